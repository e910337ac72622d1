/** Runs the built `causette` CLI as a child process (real process, real port) for crash tests. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../packages/server/dist/cli.js', import.meta.url).pathname;

export interface Credentials {
  appId: string;
  apiKey: string;
  identitySecret: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A data folder initialised by `causette init --json`, with its credentials. */
export function initDataDir(extraArgs: string[] = []): { dataDir: string; creds: Credentials } {
  const dataDir = mkdtempSync(join(tmpdir(), 'causette-proc-'));
  const out = execFileSync(
    process.execPath,
    [CLI, 'init', '--data', dataDir, '--json', ...extraArgs],
    {
      encoding: 'utf8',
    },
  );
  return { dataDir, creds: JSON.parse(out) as Credentials };
}

export class ServerProcess {
  child: ChildProcess | undefined;
  stderr = '';

  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      CLI,
      'serve',
      '--port',
      String(this.port),
      '--data',
      this.dataDir,
      '--log-level',
      'warn',
      '--no-demo',
      ...this.extraArgs,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early: ${this.stderr}`);
      try {
        const r = await fetch(`${this.url}/readyz`);
        if (r.ok) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`server not ready: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** SIGKILL: no shutdown hooks, no flush; what is not committed is lost. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<number | null> {
    const c = this.child;
    if (!c || c.exitCode !== null) return c?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
    c.kill('SIGTERM');
    return exited;
  }
}

/** The flags the load-heavy tests run with: no per-socket or per-IP limit in the way. */
export const UNLIMITED = ['--rate-limit', '100000', '--sessions-per-minute', '100000'];

/**
 * An initialised data folder for this test file, and the server processes made on it; all are
 * killed and the folder removed after the file's tests.
 */
export function useServerProcesses(): {
  dataDir: string;
  creds: Credentials;
  create(extraArgs?: string[]): Promise<ServerProcess>;
} {
  const { dataDir, creds } = initDataDir();
  const made: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of made) await s.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir,
    creds,
    async create(extraArgs = []) {
      const s = new ServerProcess(dataDir, await freePort(), extraArgs);
      made.push(s);
      return s;
    },
  };
}
