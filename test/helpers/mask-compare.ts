// The recorder's masking on a protocol's framing-only session (Protocol.maskSession) against masking on its decoding
// session, over the same chunks: what each redactor releases, chunk by chunk, and at the end.
import { Redactor } from '../../extension/core/record/redactor';
import type { Protocol } from '../../extension/core/protocols/types';
import { readFileSync } from 'node:fs';
import { eventBytes, type DataEvent, type Direction } from '../../extension/core/transcript/format';

export function bothMasks(protocol: Protocol, chunks: Array<[Direction, Buffer]>): [string[], string[]] {
  const run = (r: Redactor) => {
    const out = chunks.map(([dir, b]) => `${dir} ${r.take(dir, b)?.toString('hex') ?? '-'}`);
    return [...out, `${r.flush('c2s')?.toString('hex')}`, `${r.flush('s2c')?.toString('hex')}`];
  };
  return [run(Redactor.for(protocol) as Redactor), run(Redactor.for({ ...protocol, maskSession: undefined }) as Redactor)];
}

/** What was released in one direction, joined. */
export function released(out: string[], dir: Direction): Buffer {
  return Buffer.concat(out.filter((x) => x.startsWith(`${dir} `) && !x.endsWith(' -')).map((x) => Buffer.from(x.slice(4), 'hex')));
}

/** One direction's bytes as two chunks, cut at `at`. */
export function inTwo(dir: Direction, bytes: Buffer, at: number): Array<[Direction, Buffer]> {
  return [
    [dir, bytes.subarray(0, at)],
    [dir, bytes.subarray(at)],
  ];
}

/** The same connection's bytes cut at other places: each chunk split in two at a point that moves chunk to chunk. */
export function recut(chunks: Array<[Direction, Buffer]>): Array<[Direction, Buffer]> {
  return chunks.flatMap(([dir, b], i): Array<[Direction, Buffer]> => {
    const at = b.length > 1 ? 1 + ((i * 7919) % (b.length - 1)) : 0;
    return at > 0
      ? [
          [dir, b.subarray(0, at)],
          [dir, b.subarray(at)],
        ]
      : [[dir, b]];
  });
}

/** A transcript's chunks, connection by connection, in the order they were recorded. */
export function connections(file: string): Map<number, Array<[Direction, Buffer]>> {
  const byConn = new Map<number, Array<[Direction, Buffer]>>();
  for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
    if (!line) continue;
    const ev = JSON.parse(line) as DataEvent;
    if (ev.k !== 'c2s' && ev.k !== 's2c') continue;
    if (!byConn.has(ev.c)) byConn.set(ev.c, []);
    byConn.get(ev.c)?.push([ev.k, eventBytes(ev)]);
  }
  return byConn;
}
