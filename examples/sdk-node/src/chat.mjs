#!/usr/bin/env node
// A visitor in a terminal: connects to a Causette server, opens (or continues) a thread, prints
// replies as they arrive, and sends every line you type. Lines typed while the server is down
// wait in the outbox and go out, once each, when it is back.
//
//   CAUSETTE_URL=http://127.0.0.1:8787 CAUSETTE_APP_ID=app_... node src/chat.mjs
//   (optional) CAUSETTE_STATE=./visitor.json   keep the visitor across runs
//   (optional) CAUSETTE_USER_TOKEN=<jwt>       start identified (JWT signed by your backend)
//   (optional) CAUSETTE_SAY="hello"            send one message and exit once it is stored
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { createClient, memoryStorage } from '@causette/sdk-web';

const url = process.env.CAUSETTE_URL ?? 'http://127.0.0.1:8787';
const appId = process.env.CAUSETTE_APP_ID;
if (!appId) {
  console.error('Set CAUSETTE_APP_ID (printed by `causette init`).');
  process.exit(2);
}

/** A KeyValueStorage in a JSON file: the visitor token and the outbox survive restarts. */
function fileStorage(path) {
  let data = {};
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // first run
  }
  const save = async () => writeFileSync(path, JSON.stringify(data));
  return {
    get: async (key) => data[key],
    set: async (key, value) => {
      data[key] = value;
      await save();
    },
    delete: async (key) => {
      delete data[key];
      await save();
    },
  };
}

const statePath = process.env.CAUSETTE_STATE;
const client = createClient({
  appId,
  url,
  WebSocket, // Node 20 has no global WebSocket
  storage: statePath ? fileStorage(statePath) : memoryStorage(),
  ...(process.env.CAUSETTE_USER_TOKEN && { userToken: process.env.CAUSETTE_USER_TOKEN }),
});

const who = (m) => (m.author.kind === 'visitor' ? 'you' : (m.author.name ?? m.author.kind));
client.on('state', ({ newState, reason }) => console.log(`[${newState}] (${reason})`));
client.on('error', ({ code, message }) => console.log(`[error] ${code}: ${message}`));
client.on('message', ({ message }) => console.log(`${who(message)}: ${message.text}`));
client.on('message:status', ({ message }) => {
  if (message.status !== 'pending') console.log(`  (${message.status}: "${message.text}")`);
});

client.connect();
const [latest] = await client.listThreads();
const thread = await client.openThread(latest?.id);
for (const m of thread.messages) console.log(`${who(m)}: ${m.text}`);

const say = process.env.CAUSETTE_SAY;
if (say) {
  const sent = new Promise((resolve) =>
    client.on('message:status', ({ message }) => message.status === 'sent' && resolve(message)),
  );
  thread.send(say);
  const m = await sent;
  console.log(`stored as #${m.seq} in thread ${thread.id}`);
  client.disconnect();
} else {
  console.log(`thread ${thread.id}: type a message and press Enter (Ctrl+D to quit)`);
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => line.trim() && thread.send(line.trim()));
  rl.on('close', () => client.disconnect());
}
