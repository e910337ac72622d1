import { describe, expect, it } from 'vitest';
import {
  ContactPatchBody,
  EndpointCreateBody,
  ReplayBody,
  SettingsPatchBody,
  ThreadListQuery,
  ThreadPatchBody,
  check,
} from './index.js';

describe('bridge request schemas', () => {
  it('parse query strings into typed filters', () => {
    const r = check(ThreadListQuery, {
      status: 'open',
      limit: '25',
      updatedSince: '2026-01-02T03:04:05Z',
    });
    expect(r).toEqual({
      ok: true,
      value: { status: 'open', limit: 25, updatedSince: Date.UTC(2026, 0, 2, 3, 4, 5) },
    });
    expect(check(ThreadListQuery, { updatedSince: '1700000000000' })).toMatchObject({
      ok: true,
      value: { updatedSince: 1_700_000_000_000 },
    });
  });

  const bad: [string, unknown, unknown][] = [
    ['thread list with limit 0', ThreadListQuery, { limit: '0' }],
    ['thread list with a junk cursor', ThreadListQuery, { cursor: 'a b' }],
    ['thread patch with nothing', ThreadPatchBody, {}],
    ['thread patch with a 65-char tag', ThreadPatchBody, { tags: ['x'.repeat(65)] }],
    ['contact patch with an object attribute', ContactPatchBody, { attributes: { a: [] } }],
    ['settings with a path in an origin', SettingsPatchBody, { allowedOrigins: ['https://a/b'] }],
    ['endpoint with a javascript: URL', EndpointCreateBody, { url: 'javascript:alert(1)' }],
    [
      'endpoint with an unknown event',
      EndpointCreateBody,
      { url: 'https://a.example', events: ['x'] },
    ],
    ['replay with neither id nor range', ReplayBody, {}],
  ];
  it.each(bad)('reject %s as validation_failed', (_, schema, input) => {
    const r = check(schema as Parameters<typeof check>[0], input);
    expect(r).toMatchObject({ ok: false, code: 'validation_failed' });
  });

  it('accept the documented bodies', () => {
    expect(check(ThreadPatchBody, { assignee: null }).ok).toBe(true);
    expect(check(ContactPatchBody, { attributes: { plan: 'pro', seats: null } }).ok).toBe(true);
    expect(check(EndpointCreateBody, { url: 'https://h.example/x', events: ['*'] }).ok).toBe(true);
    expect(check(ReplayBody, { since: '2026-01-01T00:00:00Z' }).ok).toBe(true);
  });
});
