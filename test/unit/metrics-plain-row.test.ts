// The reader's fast path for plain CSV rows (plain-row.ts) against the general path (csv.ts + row.ts), which
// defines the format: over every row of the bundled metrics files, files as the collectors and the benchmark
// write them, and hand-made cells at each edge of sizes, units, counts, times, shard names and notes. The fast
// path must give the same sample, note and unit style, or decline and leave the line to the general path; it
// must never read a line differently. Whole files read through readMetrics must come out the same either way.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { formatRow, readMetrics, WRITE_COLUMNS, type Note, type Sample } from '../../extension/core/metrics';
import { splitCsvLine } from '../../extension/core/metrics/csv';
import { PlainRows } from '../../extension/core/metrics/plain-row';
import { parseRow, RowProblem, type RowContext } from '../../extension/core/metrics/row';
import { filesUnder } from '../helpers/files';

const ROOT = join(__dirname, '..', '..');
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ir-metrics-plain-row-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The header as the reader resolves it: known column → index; the width counts every column. */
function columns(headerLine: string): { header: Map<string, number>; width: number } {
  const names = splitCsvLine(headerLine) as string[];
  const known = new Set<string>(WRITE_COLUMNS);
  const header = new Map<string, number>();
  names.forEach((raw, i) => {
    const n = raw.trim().toLowerCase();
    if (known.has(n)) header.set(n, i);
  });
  return { header, width: names.length };
}

type Read = { sample: Sample | null; note: Note | null } | { problem: string } | 'skipped';

/** The general path, as the reader runs it on a line's text. */
function general(header: Map<string, number>, width: number, bytes: Buffer, line: number, ctx: RowContext): Read {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return 'skipped';
  const fields = splitCsvLine(text);
  if (typeof fields === 'string') return { problem: fields };
  if (fields.length !== width) return { problem: 'field count' };
  try {
    return parseRow(
      (c) => {
        const i = header.get(c);
        return i === undefined ? undefined : fields[i];
      },
      line,
      ctx,
    );
  } catch (err) {
    if (err instanceof RowProblem) return { problem: err.message };
    throw err;
  }
}

/**
 * Reads lines the way the reader does (the fast path, the general path when it declines) and the general path
 * alone, each with its own unit style, and asserts that they agree line by line. Returns how many samples the
 * fast path read and how many there were.
 */
function compare(headerLine: string, lines: Buffer[], where: string, fresh = false): { fast: number; samples: number } {
  const { header, width } = columns(headerLine);
  let rows = new PlainRows(header, width);
  const ctx: RowContext = { unitStyle: null };
  const ref: RowContext = { unitStyle: null };
  let fast = 0;
  let samples = 0;
  lines.forEach((bytes, i) => {
    const no = i + 2;
    if (fresh) rows = new PlainRows(header, width);
    const expected = general(header, width, bytes, no, ref);
    const sample = rows.read(bytes, 0, bytes.length, no, ctx);
    const label = `${where}:${no}: ${JSON.stringify(bytes.toString('utf8'))}`;
    if (sample) {
      fast++;
      assert.ok(
        typeof expected === 'object' && !('problem' in expected),
        `${label}: the fast path read a line the general path refuses (${JSON.stringify(expected)})`,
      );
      assert.deepEqual({ sample, note: rows.note }, expected, label);
    } else {
      assert.deepEqual(general(header, width, bytes, no, ctx), expected, label);
    }
    if (typeof expected === 'object' && 'sample' in expected && expected.sample) samples++;
    assert.equal(ctx.unitStyle, ref.unitStyle, `${label}: unit style`);
  });
  return { fast, samples };
}

const lineBuffers = (text: string) =>
  text
    .split('\n')
    .slice(1)
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .map((l) => Buffer.from(l.replace(/\r$/, '')));

test('every row of every bundled metrics file: read the same by both paths, nearly all on the fast path', async () => {
  const files = [...filesUnder(join(ROOT, 'test', 'fixtures'), '.metrics.csv'), ...filesUnder(join(ROOT, 'replays'), '.metrics.csv')];
  assert.ok(files.length >= 1, `metrics files found: ${files.length}`);
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const { fast, samples } = compare(text.slice(0, text.indexOf('\n')), lineBuffers(text), file);
    assert.ok(samples > 1000, `${file}: ${samples} samples`);
    assert.ok(fast / samples > 0.99, `${file}: on the fast path ${fast} of ${samples}`);
  }
});

/** A file as the benchmark and the issue write it: epoch seconds, plain bytes, 64GiB of RAM, an empty note. */
function benchFile(rows: number): string {
  const out = ['time,shard,data_bytes,index_bytes,ram_bytes,chunks,note'];
  for (let i = 0; i < rows / 10; i++) {
    for (let s = 0; s < 10; s++) {
      const data = 30e9 + i * (1000 + s * 100) + ((i * 7919 + s * 104729) % 50_000);
      out.push(`${1_286_200_800 + i * 10},shard${s},${data},${Math.round(data * 0.06)},64GiB,${100 + (i >> 12)},`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** A file as a collector writes it (writer.ts): ISO times, every column, notes quoted when they need it. */
function collectorFile(rows: number): string {
  const out = [WRITE_COLUMNS.join(',')];
  for (let i = 0; i < rows; i++) {
    const moment = Math.floor(i / 3);
    const tSec = 1_286_200_800 + moment * 60 + (moment % 7 === 0 ? 0.25 : 0);
    const s = {
      tSec,
      shard: `rs${i % 3}`,
      dataBytes: 1e9 + i * 12_345,
      ramBytes: 8 * 2 ** 30,
      indexBytes: i % 5 ? 2e8 + i : undefined,
      storageBytes: 1.5e9 + i,
      residentBytes: 7e8,
      pageFaultsPerS: (i % 11) / 4,
      chunks: 40 + (i >> 6),
      docs: 1e6 + i,
      avgDocBytes: 812.5,
    };
    const note = i % 13 === 0 ? { tSec, shard: s.shard, text: i % 2 ? 'balancer moved a chunk, then another' : 'compaction' } : null;
    out.push(formatRow('csv', s, note));
  }
  return `${out.join('\n')}\n`;
}

test('files as the benchmark and the collectors write them: read the same by both paths', () => {
  const bench = benchFile(20_000);
  const b = compare(bench.slice(0, bench.indexOf('\n')), lineBuffers(bench), 'bench');
  assert.equal(b.fast, b.samples);
  const collected = collectorFile(3_000);
  const c = compare(collected.slice(0, collected.indexOf('\n')), lineBuffers(collected), 'collector');
  assert.ok(c.fast / c.samples > 0.9, `on the fast path ${c.fast} of ${c.samples}`);
});

const HEADER = 'time,shard,data_bytes,index_bytes,storage_bytes,ram_bytes,resident_bytes,page_faults_per_s,chunks,docs,avg_doc_bytes,note,colour';
const BASE: Record<string, string> = {
  time: '1286200800',
  shard: 'shard0',
  data_bytes: '31GB',
  index_bytes: '2GB',
  storage_bytes: '',
  ram_bytes: '64GiB',
  resident_bytes: '',
  page_faults_per_s: '3',
  chunks: '176',
  docs: '',
  avg_doc_bytes: '300B',
  note: '',
  colour: 'red',
};
const row = (cells: Record<string, string>) =>
  HEADER.split(',')
    .map((c) => cells[c] ?? BASE[c])
    .join(',');

const SIZES = [
  '',
  '0',
  '5',
  '007',
  '5.',
  '.5',
  '.',
  '1.2.3',
  '64GiB',
  '64gib',
  '64GIB',
  '64 GiB',
  ' 64GiB',
  '64GiB ',
  '1.5GiB',
  '31.020GB',
  '300B',
  '300b',
  '5XB',
  '5KiBB',
  '5e3',
  '6.6e10',
  '5E3',
  '5e',
  '5eb',
  '-5',
  '+5',
  '-5GB',
  '0x10',
  'Infinity',
  'NaN',
  '999999999999999',
  '9999999999999999',
  '12345678901234567890',
  '0.000000000000001',
  '1.00000000000001',
  '0.1',
  '0.3',
  '1.7976931348623157',
  '5GB5',
  'GB',
  '5\t',
  '"5"',
  '٣',
  '５',
  '5ＧＢ',
  '5constructor',
  '5kb',
  '5mb',
  '5tb',
  '5pb',
  '5kib',
  '5mib',
  '5tib',
  '5pib',
  '5pbb',
  '5Kb',
  '5kB',
  '5\r',
  '66000000000',
];
const COUNTS = [
  '',
  '0',
  '10',
  '10.0',
  '10.5',
  '1e3',
  ' 10',
  '10 ',
  '-1',
  '0x10',
  '.5',
  '5.',
  '.',
  'Infinity',
  '10GB',
  '"10"',
  '999999999999999',
  '12345678901234567',
];
const TIMES = [
  '1286200800',
  '1286200800.5',
  '1286200800.',
  '.5',
  '0',
  '1286200800000',
  '99999999999',
  '100000000000',
  '2010-10-04T14:00:00Z',
  '2010-10-04T14:00:00Z',
  '2010-10-04 14:00:00Z',
  '2010-10-04T14:00:00+02:00',
  '2010-10-04T14:00:00.250Z',
  '2010-10-04',
  '2010-13-04T14:00:00Z',
  '2010-10-04T14:00:00Z',
  ' 1286200800',
  '1286200800 ',
  'yesterday',
  '',
  ' ',
  '1e9',
  '1960-01-01T00:00:00Z',
  '1286200800.123456789',
  '12862008001234567',
  '"1286200800"',
  '2010-10-04T14:00:00Z',
];
// 'Aa' and 'BB' share a hash (31·65 + 97 = 31·66 + 66): names are told apart by their bytes
const SHARDS = [
  'shard0',
  ' shard0 ',
  'shard0 ',
  '',
  ' ',
  'shärd',
  'シャード',
  '\u00a0shard1\u00a0',
  'a"b',
  '"a,b"',
  '"shard0"',
  'shard1',
  'shard0',
  '\tshard2',
  'Aa',
  'BB',
  'Aa',
  'BB',
];
const NOTES = ['', 'compaction', ' spaced out ', ' ', '"quoted, with a comma"', '"quoted"', 'ünïcode', 'say "hi"', 'x'];

test('hand-made rows at every edge: the same sample, note and unit style, or left to the general path', () => {
  const lines: string[] = [];
  for (const c of ['data_bytes', 'index_bytes', 'storage_bytes', 'ram_bytes', 'resident_bytes', 'avg_doc_bytes'])
    for (const v of SIZES) lines.push(row({ [c]: v }));
  for (const c of ['page_faults_per_s', 'chunks', 'docs']) for (const v of COUNTS) lines.push(row({ [c]: v }));
  for (const v of TIMES) lines.push(row({ time: v }));
  for (const v of SHARDS) lines.push(row({ shard: v }));
  for (const v of NOTES) lines.push(row({ note: v }), row({ note: v, shard: '', data_bytes: '', ram_bytes: '' }), row({ note: v, data_bytes: '' }));
  for (const v of ['', 'blue', '"quoted"', 'ünïcode']) lines.push(row({ colour: v }));
  // a unit changing within a column, and back; the first unit of the file set by a later column
  lines.push(row({ ram_bytes: '66GB' }), row({ ram_bytes: '64GiB' }), row({ ram_bytes: '68719476736' }), row({ ram_bytes: '0GB' }), row({ ram_bytes: '0.0' }));
  lines.push(row({}).replace(/,red$/, ''), `${row({})},extra`, row({}).replace('shard0', 'a,b'), '', ' ', ',,,,,,,,,,,,', row({}).replace(/^[^,]*/, ''));
  const bytes = lines.map((l) => Buffer.from(l));
  // bytes that are not UTF-8, in a shard name, a note and an ignored column
  const bad = Buffer.from([0xff, 0xc3]);
  for (const c of ['shard', 'note', 'colour']) {
    const [head, tail] = row({ [c]: '@@' }).split('@@');
    bytes.push(Buffer.concat([Buffer.from(head), bad, Buffer.from(tail)]), Buffer.concat([Buffer.from(head), Buffer.from('x'), bad, Buffer.from(tail)]));
  }
  // in one pass (the memos for times, units and shard names carried from row to row), and each row on its own
  const together = compare(HEADER, bytes, 'edges');
  const alone = compare(HEADER, bytes, 'edges (fresh)', true);
  assert.equal(alone.fast, together.fast);
  assert.ok(together.fast > 100, `on the fast path: ${together.fast} of ${bytes.length} lines`);
  // a unit in a row left to the general path, then a row without units: the file's sizes are still plain bytes
  const plainBytes = { data_bytes: '5', index_bytes: '', ram_bytes: '8', avg_doc_bytes: '' };
  compare(
    HEADER,
    [row({ ...plainBytes, index_bytes: '1KiB', ram_bytes: '0' }), row(plainBytes), row({ ...plainBytes, avg_doc_bytes: '2KB' })].map((l) => Buffer.from(l)),
    'styles',
  );
  // the style comes from the first size with a unit, in the order row.ts reads the sizes, whichever column it is in
  for (const [cells, style] of [
    [{ data_bytes: '5', ram_bytes: '8', index_bytes: '1KiB', avg_doc_bytes: '3KB' }, 'iec'],
    [{ data_bytes: '5', ram_bytes: '8GB', index_bytes: '1KiB' }, 'si'],
  ] as const) {
    const { header, width } = columns(HEADER);
    const ctx: RowContext = { unitStyle: null };
    assert.ok(new PlainRows(header, width).read(Buffer.from(row(cells)), 0, row(cells).length, 2, ctx));
    assert.equal(ctx.unitStyle, style);
  }
});

/** What readMetrics hands on and reports for a file, less the file's name. */
async function readAll(file: string) {
  const samples: Sample[] = [];
  const notes: Note[] = [];
  const report = await readMetrics(file, { sample: (s) => samples.push(s), note: (n) => notes.push(n) });
  return { samples, notes, report: { ...report, file: '' } };
}

test('whole files through readMetrics: the same samples, notes and report as with every row on the general path', async () => {
  const files = [...filesUnder(join(ROOT, 'test', 'fixtures'), '.metrics.csv'), ...filesUnder(join(ROOT, 'replays'), '.metrics.csv')];
  const texts = [...(await Promise.all(files.map((f) => readFile(f, 'utf8')))), benchFile(5_000), collectorFile(2_000)];
  for (const [i, text] of texts.entries()) {
    const plain = join(dir, `plain${i}.metrics.csv`);
    const quoted = join(dir, `quoted${i}.metrics.csv`);
    await writeFile(plain, text);
    // a quoted time reads the same, and a quote anywhere sends the line to the general path
    const [head, ...rest] = text.split('\n');
    await writeFile(quoted, [head, ...rest.map((l) => (l === '' ? l : l.replace(/^([^,]*)/, '"$1"')))].join('\n'));
    assert.deepEqual(await readAll(plain), await readAll(quoted), `file ${i}`);
  }
});

/** What readMetrics says of a file it refuses, less the file's name. */
async function refusal(file: string): Promise<string> {
  try {
    await readMetrics(file, { sample: () => undefined, note: () => undefined });
  } catch (err) {
    return String((err as Error).message).replace(file, '');
  }
  return 'read';
}

test('a bad row is refused with the same file:line and words whichever path met it first', async () => {
  const bad: Record<string, string>[] = [
    { data_bytes: '-5GB' },
    { data_bytes: '' },
    { ram_bytes: '0' },
    { ram_bytes: '5XB' },
    { index_bytes: '1.2.3' },
    { chunks: '10.5' },
    { chunks: '-1' },
    { time: 'yesterday' },
    { time: '1286200800000' },
    { time: '1286190000' },
    { time: '1286200800', shard: 'shard1' },
    { shard: '' },
    { data_bytes: '5constructor' },
    { page_faults_per_s: 'x' },
  ];
  for (const [i, cells] of bad.entries()) {
    const good = [1286200000, 1286200400, 1286200800].map((t) => row({ time: String(t), shard: 'shard1' }));
    const text = `${HEADER}\n${good.join('\n')}\n${row(cells)}\n`;
    const plain = join(dir, `bad${i}.metrics.csv`);
    const quoted = join(dir, `bad${i}.quoted.metrics.csv`);
    await writeFile(plain, text);
    await writeFile(quoted, text.replace(/\n([^,\n]*)/g, '\n"$1"'));
    const said = await refusal(plain);
    assert.match(said, /^:5: /, `${JSON.stringify(cells)}: ${said}`);
    assert.equal(said, await refusal(quoted), JSON.stringify(cells));
  }
});
