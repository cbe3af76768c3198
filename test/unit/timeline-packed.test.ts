// Packed chunks (core/timeline/packed.ts): what the webview is sent and the model cache keeps is the chunk the
// builder made, number for number, on recordings of real clients, on times and pairs the compact forms cannot hold,
// and on an empty chunk; a bad packed chunk is refused rather than read as another model; and the recordings' chunks
// are sent in a fraction of their typed arrays' bytes.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { buildTimeline, deflateChunk, inflateChunk, packColumns, unpackColumns, type TimelineChunk } from '../../extension/core/timeline';

const ROOT = join(__dirname, '..', '..');
const RECORDINGS = [
  'replays/mogilefs-2008/mogilefs-2008.transcript.jsonl',
  'replays/driver-check/pg-pool.transcript.jsonl',
  'replays/driver-check/mysql2.transcript.jsonl',
  'test/fixtures/real/redis/redis-benchmark-P16.transcript.jsonl',
  'test/fixtures/real/mysql/mariadb-compress.transcript.jsonl',
];

async function chunksOf(file: string, chunkEvents?: number): Promise<TimelineChunk[]> {
  const chunks: TimelineChunk[] = [];
  const built = await buildTimeline(join(ROOT, file), { lenient: true, onChunk: (c) => void chunks.push(c), ...(chunkEvents ? { chunkEvents } : {}) });
  await built.details.dispose();
  return chunks;
}

const typedBytes = (c: TimelineChunk) => c.tUs.byteLength + c.lane.byteLength + c.kind.byteLength + c.paired.byteLength + c.seq.byteLength + c.flags.byteLength;

test('recordings of real clients: every chunk comes back as built, in fewer bytes', async () => {
  for (const file of RECORDINGS) {
    for (const chunkEvents of [undefined, 97]) {
      const chunks = await chunksOf(file, chunkEvents);
      assert.ok(chunks.length > 0, file);
      let typed = 0;
      let sent = 0;
      for (const c of chunks) {
        const packed = await deflateChunk(c);
        assert.deepEqual(await inflateChunk(packed), c, `${file}: chunk at ${c.start}`);
        typed += typedBytes(c);
        sent += packed.bytes.length;
      }
      // these recordings' chunks go in 2-17% of their typed arrays' bytes (0.5-3.6 bytes an event)
      if (!chunkEvents) assert.ok(sent < typed / 3, `${file}: ${sent} bytes sent for ${typed} bytes of typed arrays`);
    }
  }
});

function chunk(start: number, tUs: number[], paired: number[]): TimelineChunk {
  const n = tUs.length;
  return {
    start,
    count: n,
    tUs: Float64Array.from(tUs),
    lane: Uint32Array.from({ length: n }, (_, i) => (i * 7919) % 70_000),
    kind: Uint8Array.from({ length: n }, (_, i) => i % 8),
    paired: Int32Array.from(paired),
    seq: Uint32Array.from({ length: n }, (_, i) => (i === 1 ? 0xffffffff : i)),
    flags: Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255),
    newLanes: [3, 9],
    findings: [],
  };
}

test('times and pairs the compact forms cannot hold are kept as they are', () => {
  const cases: Array<[string, TimelineChunk]> = [
    ['steps of whole µs', chunk(10, [5, 5, 9, 1e9, 1e9 + 4_294_967_295], [-1, 10, -1, 12, 11])],
    ['a fraction of a µs', chunk(0, [1, 2.5, 3], [-1, 0, -1])],
    ['a time going back', chunk(0, [100, 50, 200], [-1, 0, 1])],
    ['a step of 2^32 µs or more', chunk(0, [0, 4_294_967_296], [-1, -1])],
    ['times past 2^53', chunk(0, [2 ** 53, 2 ** 53 + 2], [-1, -1])],
    ['a pair pointing ahead', chunk(4, [1, 2, 3], [6, -1, 4])],
    ['a pair pointing at itself', chunk(4, [1, 2, 3], [-1, 5, -1])],
    ['no events', chunk(0, [], [])],
  ];
  for (const [what, c] of cases) assert.deepEqual(unpackColumns(c, inflateRawSync(deflateRawSync(packColumns(c)))), c, what);
});

test('a packed chunk that is not what its head says is refused', () => {
  const c = chunk(0, [1, 2, 3], [-1, 0, -1]);
  const bytes = packColumns(c);
  assert.throws(() => unpackColumns(c, bytes.subarray(0, bytes.length - 1)), /bytes \(expected/);
  assert.throws(() => unpackColumns({ ...c, count: 4 }, bytes), /with 3 events \(expected 4\)/);
  const other = bytes.slice();
  other[0] = 9;
  assert.throws(() => unpackColumns(c, other), /layout 9/);
  assert.throws(() => unpackColumns(c, bytes.subarray(0, 8)), /shorter than its head/);
});
