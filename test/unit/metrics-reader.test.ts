// Loading shard metrics: CSV and JSON Lines, sizes with units, ISO or epoch times, notes as events; every bad row
// is refused with file:line and what is wrong; a shard may join mid-file (a shard added) without harm to others.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyzeMetricsFile, MetricsError, readMetrics, type Note, type Sample } from '../../extension/core/metrics';

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ir-metrics-reader-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(text: string, ext = 'metrics.csv'): Promise<string> {
  const p = join(dir, `f${++n}.${ext}`);
  await writeFile(p, text);
  return p;
}

async function load(text: string, ext?: string) {
  const samples: Sample[] = [];
  const notes: Note[] = [];
  const report = await readMetrics(await file(text, ext), { sample: (s) => samples.push(s), note: (x) => notes.push(x) });
  return { samples, notes, report };
}

async function refused(text: string, line: number, pattern: RegExp, ext?: string) {
  const p = await file(text, ext);
  await assert.rejects(readMetrics(p, { sample: () => undefined, note: () => undefined }), (err: unknown) => {
    assert.ok(err instanceof MetricsError, `expected a MetricsError, got ${String(err)}`);
    assert.equal(err.line, line);
    assert.match(err.message, new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${line > 0 ? `:${line}` : ''}: `));
    assert.match(err.problem, pattern);
    return true;
  });
}

test('CSV with units, ISO times, optional columns and a quoted note loads into samples and notes', async () => {
  const { samples, notes, report } = await load(
    'time,shard,data_bytes,ram_bytes,index_bytes,chunks,note\n' +
      '2010-10-04T14:00:00Z,shard0,62GB,66GB,4GB,176,"crossed, on disk"\n' +
      '2010-10-04T14:00:00Z,shard1,47000000000,66GB,,176,\n' +
      '2010-10-04T15:00:00Z,,,,,,site down\n',
  );
  assert.equal(samples.length, 2);
  assert.deepEqual([samples[0].dataBytes, samples[0].ramBytes, samples[0].indexBytes, samples[0].chunks], [62e9, 66e9, 4e9, 176]);
  assert.equal(samples[1].indexBytes, undefined);
  assert.equal(samples[0].tSec, Date.parse('2010-10-04T14:00:00Z') / 1000);
  assert.deepEqual(
    notes.map((x) => [x.shard, x.text, x.line]),
    [
      ['shard0', 'crossed, on disk', 2],
      [null, 'site down', 4],
    ],
  );
  assert.equal(report.unitStyle, 'si');
  assert.deepEqual(report.columns, ['time', 'shard', 'data_bytes', 'ram_bytes', 'index_bytes', 'chunks', 'note']);
});

test('GiB sizes are powers of two and epoch seconds are times; JSON Lines takes numbers or strings', async () => {
  const { samples, report } = await load(
    '{"time": 1286200800, "shard": "a", "data_bytes": "1.5GiB", "ram_bytes": 2147483648, "colour": "red"}\n' +
      '{"time": "1286204400.5", "shard": "a", "data_bytes": 1, "ram_bytes": "2GiB"}\n',
    'metrics.jsonl',
  );
  assert.equal(report.format, 'jsonl');
  assert.equal(samples[0].dataBytes, 1.5 * 2 ** 30);
  assert.equal(samples[1].tSec, 1286204400.5);
  assert.equal(report.unitStyle, 'iec');
  assert.deepEqual(report.ignoredColumns, ['colour']);
});

test('an empty file is refused, saying what a metrics file starts with', async () => {
  await refused('', 0, /empty.*time, shard, data_bytes, ram_bytes/);
  await refused('\n\n', 0, /empty/);
});

test('a header without the required columns is refused at line 1, naming the missing ones', async () => {
  await refused('time,shard,data_bytes\n2010-10-04T14:00:00Z,a,1\n', 1, /lacks column ram_bytes/);
  await refused('when,shard,size\n', 1, /lacks columns time, data_bytes, ram_bytes/);
});

test('a JSON line without a required field is refused at its line', async () => {
  await refused('{"time":1,"shard":"a","data_bytes":1,"ram_bytes":2}\n{"time":2,"shard":"a","ram_bytes":2}\n', 2, /missing "data_bytes"/, 'metrics.jsonl');
});

test('negative sizes are refused with the column and the value', async () => {
  await refused('time,shard,data_bytes,ram_bytes\n1,a,5,10\n2,a,-5GB,10\n', 3, /data_bytes is negative \(-5GB\)/);
  await refused('time,shard,data_bytes,ram_bytes,index_bytes\n1,a,5,10,-1\n', 2, /index_bytes is negative/);
});

test('a row with an empty required cell, a wrong field count or a bad unit is refused at its line', async () => {
  await refused('time,shard,data_bytes,ram_bytes\n1,a,,10\n', 2, /data_bytes is empty/);
  await refused('time,shard,data_bytes,ram_bytes\n1,a,5\n', 2, /3 fields, the header has 4/);
  await refused('time,shard,data_bytes,ram_bytes\n1,a,5XB,10\n', 2, /unknown unit "XB"/);
  await refused('time,shard,data_bytes,ram_bytes\nyesterday,a,5,10\n', 2, /time: "yesterday" is not a time/);
  await refused('time,shard,data_bytes,ram_bytes\n1286200800000,a,5,10\n', 2, /looks like epoch milliseconds/);
});

test('time going backwards is refused, naming the earlier line', async () => {
  await refused(
    'time,shard,data_bytes,ram_bytes\n2010-10-04T14:00:00Z,a,1,10\n2010-10-04T15:00:00Z,a,2,10\n2010-10-04T14:30:00Z,b,2,10\n',
    4,
    /time goes backwards: 2010-10-04T14:30:00Z comes after 2010-10-04T15:00:00Z \(line 3\)/,
  );
});

test('a second sample of one shard at the same time is refused', async () => {
  await refused('time,shard,data_bytes,ram_bytes\n1,a,1,10\n1,a,2,10\n', 3, /shard "a" has a second sample/);
});

test('a header with no samples is refused', async () => {
  await refused('time,shard,data_bytes,ram_bytes\n', 0, /no samples/);
});

test('a shard appearing mid-file is a shard added: reported, analysed from its first sample, others untouched', async () => {
  const rows = ['time,shard,data_bytes,ram_bytes,chunks'];
  for (let h = 0; h < 48; h++) {
    const t = 1286200800 + h * 3600;
    rows.push(`${t},a,${100 + h},1000,10`);
    if (h >= 30) rows.push(`${t},b,${900 + (h - 30) * 10},1000,10`);
  }
  const p = await file(`${rows.join('\n')}\n`);
  const a = await analyzeMetricsFile(p);
  assert.deepEqual(a.load.appeared, [{ shard: 'b', tSec: 1286200800 + 30 * 3600, line: 33 }]);
  const [sa, sb] = a.shards;
  assert.equal(sa.samples, 48);
  assert.equal(sa.crossover, null);
  assert.equal(sb.samples, 18);
  assert.equal(sb.firstSec, 1286200800 + 30 * 3600);
  // b grows 10 a hour from 900: over 1000 after 10 h, at its 11th sample
  assert.equal(sb.crossover?.tSec, 1286200800 + 41 * 3600);
  // growth shares count b from its own first sample
  assert.deepEqual(
    a.imbalance.growth.map((g) => [g.shard, g.growthBytes]),
    [
      ['a', 47],
      ['b', 170],
    ],
  );
});

test('CRLF line ends and a missing final newline read the same', async () => {
  const { samples } = await load('time,shard,data_bytes,ram_bytes\r\n1,a,1,10\r\n2,a,2,10');
  assert.deepEqual(
    samples.map((s) => s.dataBytes),
    [1, 2],
  );
});

test('what collect writes reads back whatever the name: .csv, .jsonl, .ndjson, .json and another name', async () => {
  const { MetricsWriter } = await import('../../extension/core/metrics/writer');
  for (const ext of ['metrics.csv', 'metrics.jsonl', 'metrics.ndjson', 'metrics.json', 'metrics.txt']) {
    const p = join(dir, `written-${ext}`);
    const w = await MetricsWriter.create(p);
    const base = { shard: 's0', dataBytes: 100, indexBytes: 10, ramBytes: 1000 };
    await w.write([
      { sample: { tSec: 1_700_000_000, ...base }, note: null },
      { sample: { tSec: 1_700_000_060, ...base, dataBytes: 200 }, note: null },
    ] as never);
    await w.close();
    const samples: Sample[] = [];
    await readMetrics(p, { sample: (s) => samples.push(s), note: () => undefined });
    assert.deepEqual(
      samples.map((s) => s.dataBytes),
      [100, 200],
      ext,
    );
  }
});
