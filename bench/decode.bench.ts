// Decode throughput per database protocol: generated traffic (laid out as the servers send it) pushed through each
// protocol's session in the chunks it was generated in, timed apart from the generation. Prints MB/s; asserts nothing.
import { protocolByName } from '../extension/core/protocols';
import { generateTraffic, type TrafficProtocol } from '../test/helpers/traffic';
import type { Chunk } from '../test/helpers/capture';

const BYTES = 16 * 1024 * 1024;

export default async function decodeBench(): Promise<void> {
  for (const name of ['mysql', 'postgres', 'mongodb', 'redis'] as TrafficProtocol[]) {
    const protocol = protocolByName(name);
    if (!protocol) continue;
    const chunks: Chunk[] = [...generateTraffic(name, BYTES)];
    const total = chunks.reduce((n, c) => n + c.bytes.length, 0);
    const rates: number[] = [];
    let messages = 0;
    for (let round = 0; round < 3; round++) {
      const session = protocol.session();
      messages = 0;
      const t0 = process.hrtime.bigint();
      for (const c of chunks) messages += session.push(c.dir, c.bytes, c.tUs).length;
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      rates.push(total / 1048576 / s);
    }
    rates.sort((a, b) => a - b);
    const mb = (total / 1048576).toFixed(1);
    console.log(
      `${name.padEnd(9)} ${mb} MiB, ${messages} messages: median ${rates[1].toFixed(1)} MB/s (min ${rates[0].toFixed(1)}, max ${rates[2].toFixed(1)})`,
    );
  }
}
