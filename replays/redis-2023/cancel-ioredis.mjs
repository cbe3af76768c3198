// The redis-py #2624 scenario with ioredis: one client (one connection), commandTimeout below the
// latency the proxy injects, one GET at a time. Same keys, values and key order as cancel.py.
// usage: node cancel-ioredis.mjs PORT [--rounds 50] [--keys 20] [--timeout-ms 100] [--seed 2023] [--host 127.0.0.1]
import { crc32 } from 'node:zlib';
import { createRequire } from 'node:module';
import Redis from 'ioredis';

const require = createRequire(import.meta.url);
const version = require('ioredis/package.json').version;

const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(args[0]);
const host = opt('host', '127.0.0.1');
const rounds = Number(opt('rounds', 50));
const keys = Number(opt('keys', 20));
const timeoutMs = Number(opt('timeout-ms', 100));
const seed = Number(opt('seed', 2023));

function valueFor(n) {
  const body = `user:${n}|${NAMES[n % NAMES.length]}`;
  return `${body}|${crc32(body).toString(16).padStart(8, '0')}`;
}

// the same LCG as cancel.py
function* keySequence() {
  let x = BigInt(seed);
  for (let i = 0; i < rounds; i++) {
    x = (x * 1103515245n + 12345n) % 2n ** 31n;
    yield `user:${Number(x >> 16n) % keys}`;
  }
}

console.log(`ioredis ${version} node ${process.version} port ${port} rounds ${rounds} keys ${keys} timeout ${timeoutMs}ms seed ${seed}`);
const r = new Redis({ host, port, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, lazyConnect: true });
let connects = 0;
r.on('connect', () => { connects++; });
await r.connect();
for (let n = 0; n < keys; n++) {
  // no timeout for the seeding: sendCommand without commandTimeout is not available per call, so retry on timeout
  for (;;) {
    try { await r.set(`user:${n}`, valueFor(n)); break; } catch (e) { if (!/timed out/.test(e.message)) throw e; }
  }
}
console.log(`seeded user:0 .. user:${keys - 1}`);

const t0 = performance.now();
let i = 0, ok = 0, cancelled = 0;
const wrong = [];
for (const key of keySequence()) {
  i++;
  const n = String(i).padStart(3, '0');
  const t = (performance.now() - t0).toFixed(1).padStart(8);
  let v;
  try {
    v = await r.get(key);
  } catch (e) {
    if (!/timed out/i.test(e.message)) throw e;
    cancelled++;
    console.log(`#${n} ${t}ms GET ${key.padEnd(8)} -> cancelled (${e.message})`);
    continue;
  }
  const gotKey = String(v).split('|')[0];
  let mark = 'ok';
  if (gotKey === key) ok++;
  else { wrong.push([n, key, gotKey]); mark = `WRONG (value of ${gotKey})`; }
  console.log(`#${n} ${t}ms GET ${key.padEnd(8)} -> ${v}  ${mark}`);
}
await r.quit();
console.log(`summary: requests ${rounds} ok ${ok} cancelled ${cancelled} wrong ${wrong.length} connects ${connects}`);
for (const [n, key, gotKey] of wrong) console.log(`  wrong #${n} asked ${key} got the value of ${gotKey}`);
