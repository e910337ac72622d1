/**
 * A request body sent chunked (no Content-Length), 64 KiB per chunk, far longer than any
 * body limit; `pulled()` tells how much of it the server had taken when it answered.
 */
export function chunkedBody(offeredChunks = 4096) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === offeredChunks) return controller.close();
      pulled += 1;
      controller.enqueue(chunk);
    },
  });
  return { init: { body, duplex: 'half' } as RequestInit, pulled: () => pulled, offeredChunks };
}
