// The host's side of packed chunks (packed.ts): deflated on zlib's thread pool, so a build goes on while a chunk is
// compressed, and inflated again for a reader under Node (the tests, the draft).
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import type { TimelineChunk } from './model';
import { packColumns, unpackColumns, type PackedChunk } from './packed';

const deflating = promisify(deflateRaw);
const inflating = promisify(inflateRaw);

/** level 1: the columns are laid out for deflate already; a higher level costs the host time and saves little more */
const LEVEL = 1;

export async function deflateChunk(c: TimelineChunk): Promise<PackedChunk> {
  const bytes = await deflating(packColumns(c), { level: LEVEL });
  return { start: c.start, count: c.count, newLanes: c.newLanes, findings: c.findings, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
}

export async function inflateChunk(p: PackedChunk): Promise<TimelineChunk> {
  return unpackColumns(p, await inflating(p.bytes));
}
