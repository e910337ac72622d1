import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, runCli } from './test-support/built-cli.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { hashApiKey } from './auth/api-keys.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'causette-keys-'));
  expect(runCli(['init', '--data', dir, '--json']).status).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('causette keys', () => {
  it('creates a key shown once, lists it without the key, and revokes it', async () => {
    const created = runCli(['keys', 'create', '--name', 'helpdesk', '--data', dir, '--json']);
    expect(created.status).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    expect(key).toMatch(/^csk_/);
    const listed = runCli(['keys', 'list', '--data', dir, '--json']);
    expect(listed.stdout).not.toContain(key);
    const names = (JSON.parse(listed.stdout) as { name: string }[]).map((k) => k.name);
    expect(names).toEqual(['default', 'helpdesk']);

    const store = new SqliteStore(join(dir, 'causette.db'));
    expect(await store.findApiKey(hashApiKey(key))).not.toBeNull();
    expect(runCli(['keys', 'revoke', id, '--data', dir]).status).toBe(0);
    expect(await store.findApiKey(hashApiKey(key))).toBeNull();
    await store.close();
    expect(runCli(['keys', 'revoke', id, '--data', dir]).status).toBe(1);
    expect(runCli(['keys', 'frobnicate', '--data', dir]).status).toBe(2);
  });
});
