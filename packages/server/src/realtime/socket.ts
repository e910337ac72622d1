/** The few socket operations realtime code needs; the ws adapter implements them. */
export interface Socket {
  /** Send one text frame (frames sent in one turn of work leave in one write). */
  sendText(data: string): void;
  /**
   * Send one text frame whose bytes many sockets share (the heartbeat's ping): written at
   * once, not held for the rest of the turn, so a sweep over every socket keeps nothing queued.
   */
  sendShared(frame: Buffer): void;
  close(code: number, reason: string): void;
  /** Drop the TCP connection at once (dead or stuck peer). */
  terminate(): void;
  /** Bytes queued but not yet written to the kernel. */
  readonly bufferedAmount: number;
}
