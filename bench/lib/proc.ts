/** Child processes for benchmarks: spawn, wait for a JSON line, read CPU time from /proc. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const TICK_US = 1_000_000 / 100; // USER_HZ is 100 on Linux

/** User+system CPU time of a process in µs (Linux /proc). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/** Resident set size of a process in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

export interface Child {
  proc: ChildProcess;
  /** Resolves with the first stdout JSON line for which `pred` holds. */
  line<T>(pred: (o: any) => boolean, timeoutMs?: number): Promise<T>;
  /** Writes one line to the child's stdin. */
  send(line: string): void;
  stop(): Promise<void>;
  stderr(): string;
}

export function start(cmd: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(cmd, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const seen: any[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    try {
      seen.push(JSON.parse(l));
    } catch {
      return;
    }
    for (const w of waiters.splice(0)) w();
  });
  return {
    proc,
    stderr: () => err,
    send: (line) => void proc.stdin!.write(`${line}\n`),
    line<T>(pred: (o: any) => boolean, timeoutMs = 120_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      return new Promise((resolve, reject) => {
        const check = () => {
          const i = seen.findIndex(pred);
          if (i >= 0) return resolve(seen.splice(i, 1)[0] as T);
          if (proc.exitCode !== null) return reject(new Error(`exited ${proc.exitCode}: ${err}`));
          if (Date.now() > deadline) return reject(new Error(`timeout; stderr: ${err}`));
          waiters.push(check);
          setTimeout(check, 200).unref();
        };
        check();
      });
    },
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The hard open-files limit this shell may raise its soft limit to. */
export function hardFdLimit(): number {
  const out = execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return out === 'unlimited' ? Infinity : Number(out);
}

/** Open file descriptors of a process. */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * A Node child whose open-files limit is raised first (`ulimit -n` in a bash wrapper; Node
 * cannot set rlimits itself). Tries `want`; falls back to the hard limit when that is lower.
 */
export function startNode(args: string[], opts: { fds?: number } = {}): Child {
  if (!opts.fds) return start(process.execPath, args);
  const script = `ulimit -n ${opts.fds} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  return start('bash', ['-c', script, process.execPath, ...args]);
}

export async function waitReady(url: string, timeoutMs = 20_000, pollMs = 5): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return performance.now() - t0;
    } catch {
      /* not yet */
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`${url} not ready`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
