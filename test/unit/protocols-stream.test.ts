// A 100 MB stream of database traffic (25 MB of each protocol, generated as it is read, never whole) goes through
// the decoders and pairing with the heap held to a bound: sessions keep only what is not yet a whole message.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pairing } from '../../extension/core/pairing';
import { protocolByName } from '../../extension/core/protocols';
import { generateTraffic, type TrafficProtocol } from '../helpers/traffic';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PER_PROTOCOL_BYTES = 25 * 1024 * 1024;
/** the retained heap may grow by this much over the start, whatever the stream's length */
const HEAP_BOUND_BYTES = 16 * 1024 * 1024;

it('decodes and pairs 100 MB of mysql, postgres, mongodb and redis traffic in bounded memory', () => {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let bytes = 0;
  let sinceCheck = 0;
  for (const name of ['mysql', 'postgres', 'mongodb', 'redis'] as TrafficProtocol[]) {
    const protocol = protocolByName(name);
    assert.ok(protocol);
    let messages = 0;
    const pairing = new Pairing(protocol, { onMessage: () => void messages++ });
    let line = 1;
    for (const c of generateTraffic(name, PER_PROTOCOL_BYTES)) {
      pairing.push({ t: c.tUs, c: c.conn, k: c.dir, d: c.bytes.toString('base64'), e: 'base64' }, ++line);
      bytes += c.bytes.length;
      sinceCheck += c.bytes.length;
      if (sinceCheck > 8 * 1024 * 1024) {
        sinceCheck = 0;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
    }
    pairing.finish();
    const s = pairing.summary;
    assert.equal(s.requests, s.responses, `${name}: every request answered`);
    assert.equal(s.undecoded, 0, `${name}: every message decoded`);
    assert.deepEqual(pairing.findings, [], `${name}: no findings`);
    assert.equal(messages, s.requests + s.responses);
  }
  console.log(`retained heap peak ${(peak / 1048576).toFixed(1)} MiB over ${(bytes / 1048576).toFixed(0)} MiB streamed`);
  assert.ok(bytes >= 100 * 1024 * 1024, `streamed ${bytes} bytes`);
  assert.ok(peak < HEAP_BOUND_BYTES, `retained heap grew by ${(peak / 1048576).toFixed(1)} MiB while streaming ${(bytes / 1048576).toFixed(0)} MiB`);
});
