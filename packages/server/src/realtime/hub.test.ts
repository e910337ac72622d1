import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory-bus.js';
import type { BusEvent } from '../bus/bus.js';
import type { Connection } from './connection.js';
import { Hub } from './hub.js';

/** A stand-in for a socket's Connection: records what it was handed, can close on delivery. */
function fakeConnection(hub: Hub, appId: string, contactId: string, closeOnDeliver = false) {
  const got: string[] = [];
  const c = {
    appId,
    contactId,
    got,
    deliver(ev: BusEvent, frame: string | undefined) {
      got.push(frame ?? `(own) ${ev.type}`);
      if (closeOnDeliver) hub.remove(c as unknown as Connection);
    },
    heartbeat() {},
    close() {},
  };
  hub.add(c as unknown as Connection);
  return c;
}

const typing = (appId: string, contactId: string): BusEvent => ({
  type: 'typing',
  appId,
  contactId,
  threadId: 't1',
  author: { kind: 'agent' },
  on: true,
});

let hub: Hub;
afterEach(() => hub.closeAll(1001, 'test over'));

describe('hub', () => {
  it("counts a contact's sockets as they open and close, in any order", () => {
    const bus = new MemoryBus();
    hub = new Hub(bus, 60_000);
    const a = fakeConnection(hub, 'app', 'k1');
    const b = fakeConnection(hub, 'app', 'k1');
    const c = fakeConnection(hub, 'app', 'k1');
    fakeConnection(hub, 'app', 'k2');
    expect([hub.socketsOf('k1'), hub.socketsOf('k2'), hub.size]).toEqual([3, 1, 4]);
    hub.remove(b as unknown as Connection);
    hub.remove(b as unknown as Connection); // closed, then the close event: counted once
    expect(hub.socketsOf('k1')).toBe(2);
    hub.remove(a as unknown as Connection);
    expect(hub.socketsOf('k1')).toBe(1);
    bus.publish(typing('app', 'k1'));
    expect([a.got.length, b.got.length, c.got.length]).toEqual([0, 0, 1]);
    hub.remove(c as unknown as Connection);
    expect([hub.socketsOf('k1'), hub.size]).toEqual([0, 1]);
    bus.publish(typing('app', 'k1'));
    expect(c.got.length).toBe(1);
  });

  it("routes an event to every socket of the contact in that app, and to no one else's", () => {
    const bus = new MemoryBus();
    hub = new Hub(bus, 60_000);
    const mine = [fakeConnection(hub, 'app', 'k1'), fakeConnection(hub, 'app', 'k1')];
    const otherApp = fakeConnection(hub, 'other', 'k1');
    const otherContact = fakeConnection(hub, 'app', 'k2');
    bus.publish(typing('app', 'k1'));
    for (const c of mine) expect(c.got).toHaveLength(1);
    // Sockets of one contact share one serialized frame.
    expect(mine[0]!.got[0]).toBe(mine[1]!.got[0]);
    expect(otherApp.got).toEqual([]);
    expect(otherContact.got).toEqual([]);
  });

  it('reaches every socket when one closes while the event is being routed', () => {
    const bus = new MemoryBus();
    hub = new Hub(bus, 60_000);
    const first = fakeConnection(hub, 'app', 'k1', true); // closes when it gets the event
    const rest = [fakeConnection(hub, 'app', 'k1'), fakeConnection(hub, 'app', 'k1')];
    bus.publish(typing('app', 'k1'));
    expect(first.got).toHaveLength(1);
    for (const c of rest) expect(c.got).toHaveLength(1);
    expect(hub.socketsOf('k1')).toBe(2);
  });
});
