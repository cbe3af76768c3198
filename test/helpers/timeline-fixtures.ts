// Transcripts for the timeline tests and benchmarks, written the way the recorder writes them (one JSON line per
// event, in time order): a generated MogileFS tracker session of any size with the 2008 desync in it, and a
// hostile one whose strings are markup, script end tags, NUL bytes and a 10 MB line.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freshDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A mogilefs transcript's header line, with this source. */
export const header = (source: Record<string, unknown>) =>
  JSON.stringify({
    type: 'header',
    format: 'incident-replay/transcript',
    version: 1,
    protocol: 'mogilefs',
    startedAt: '2008-01-21T14:00:00.000Z',
    clock: 'us',
    source,
  });

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  let batch: string[] = [];
  for (const l of lines) {
    batch.push(l);
    if (batch.length >= 4096) {
      if (!out.write(batch.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      batch = [];
    }
  }
  if (batch.length) out.write(batch.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

const ev = (t: number, c: number, k: string, rest: Record<string, unknown> = {}) => JSON.stringify({ t, c, k, ...rest });
const ask = (key: string) => `get_paths domain=mail&key=${key}\r\n`;
const answer = (key: string) => `OK paths=1&path1=http://store/dev1/${key}.fid\r\n`;

export interface SyntheticOptions {
  /** events to write (open/close/requests/responses), at least this many */
  events: number;
  connections: number;
  /** every n-th exchange on a connection is the 2008 desync (a timeout, then the late answer taken by the next request); 0 for never */
  desyncEvery: number;
}

/**
 * A tracker session on several connections. Each desync: request A goes unanswered past the client's timeout, the
 * client sends B on the same connection, A's answer arrives and B takes it (the mismatch), and the client, done with
 * B, closes the connection at once, before B's own answer comes, and opens a new one (the fix of 2008, so that one
 * desync does not poison the rest).
 */
export function* syntheticLines(o: SyntheticOptions): Generator<string> {
  yield header({ tool: 'test fixture', note: 'generated' });
  let t = 0;
  let n = 0;
  let conn = 0;
  const live: Array<{ c: number; exchanges: number }> = [];
  for (let i = 0; i < o.connections; i++) {
    live.push({ c: ++conn, exchanges: 0 });
    yield ev((t += 10), conn, 'open', { peer: `10.0.0.${i + 2}:${40000 + i}` });
    n++;
  }
  let key = 0;
  for (let step = 0; n < o.events; step++) {
    const slot = live[step % live.length];
    const c = slot.c;
    slot.exchanges++;
    if (o.desyncEvery > 0 && slot.exchanges % o.desyncEvery === 0) {
      const a = `msg${++key}`;
      const b = `msg${++key}`;
      yield ev((t += 20), c, 'c2s', { d: ask(a) });
      yield ev((t += 500_000), c, 'c2s', { d: ask(b) }); // the client gave up on A after 0.5 s and asked for B
      yield ev((t += 300), c, 's2c', { d: answer(a) }); // A's answer, late: B takes it
      yield ev((t += 50), c, 'close', { by: 'client' });
      slot.c = ++conn;
      slot.exchanges = 0;
      yield ev((t += 50), slot.c, 'open', { peer: '10.0.0.99:50000' });
      n += 5;
    } else {
      const k = `msg${++key}`;
      yield ev((t += 20), c, 'c2s', { d: ask(k) });
      yield ev((t += 180), c, 's2c', { d: answer(k) });
      n += 2;
    }
  }
  for (const s of live) yield ev((t += 10), s.c, 'close', { by: 'client' });
}

export async function writeSynthetic(file: string, o: SyntheticOptions): Promise<string> {
  await writeLines(file, syntheticLines(o));
  return file;
}

/** The 2008 desync, small: two connections, one of them goes one answer late after a timeout and stays late. */
export async function write2008Like(file: string): Promise<string> {
  const lines = [header({ tool: 'test fixture', note: 'the iContact 2008 tracker desync, by hand' })];
  let t = 0;
  lines.push(ev((t += 100), 1, 'open', { peer: '10.0.0.5:40001' }), ev((t += 100), 2, 'open', { peer: '10.0.0.6:40002' }));
  for (let i = 1; i <= 3; i++) {
    lines.push(ev((t += 1000), 1, 'c2s', { d: ask(`a${i}`) }), ev((t += 800), 1, 's2c', { d: answer(`a${i}`) }));
    lines.push(ev((t += 500), 2, 'c2s', { d: ask(`b${i}`) }), ev((t += 700), 2, 's2c', { d: answer(`b${i}`) }));
  }
  // the database behind the tracker is out of connections: A's answer takes 3 s, the client gives up after 2 s
  lines.push(ev((t += 1000), 1, 'c2s', { d: ask('A') }));
  lines.push(ev((t += 2_000_000), 1, 'c2s', { d: ask('B') }));
  // A's answer comes; the client takes it for B and asks for C at once, before B's own answer: one answer late
  lines.push(ev((t += 1_000_000), 1, 's2c', { d: answer('A') }));
  lines.push(ev((t += 300), 1, 'c2s', { d: ask('C') }));
  lines.push(ev((t += 1700), 1, 's2c', { d: answer('B') }), ev((t += 800), 1, 's2c', { d: answer('C') }));
  lines.push(ev((t += 1000), 1, 'close', { by: 'client' }), ev((t += 100), 2, 'close', { by: 'client' }));
  await writeLines(file, lines);
  return file;
}

export const HOSTILE = {
  img: '<img src=x onerror=alert(1)>',
  script: '</script><script>window.__pwned=1</script>',
  nul: 'key\u0000with\u0000nuls',
};

/** Markup, script end tags and NUL bytes in requests, answers, faults and unknown kinds, and one 10 MB line. */
export async function writeHostile(file: string): Promise<string> {
  const big = `get_paths domain=mail&key=${'A'.repeat(10 * 1024 * 1024)}\r\n`;
  const lines = [
    header({ tool: HOSTILE.script, note: HOSTILE.img }),
    ev(10, 1, 'open', { peer: HOSTILE.img }),
    ev(20, 1, 'c2s', { d: `get_paths domain=mail&key=${encodeURIComponent(HOSTILE.img)}\r\n` }),
    ev(30, 1, 's2c', { d: `ERR unknown_key ${HOSTILE.img}\r\n` }),
    ev(40, 1, 'c2s', { d: `get_paths key=${HOSTILE.script}\r\n` }),
    ev(50, 1, 's2c', { d: `OK path1=${HOSTILE.script}\r\n` }),
    ev(60, 1, 'c2s', { d: `get_paths key=${HOSTILE.nul}\r\n` }),
    ev(70, 1, 's2c', { d: `OK path1=${HOSTILE.nul}\r\n` }),
    ev(80, 1, 'fault', { fault: HOSTILE.img, dir: 's2c' }),
    ev(90, 1, `<b onmouseover=alert(1)>kind</b>`, { note: HOSTILE.script }),
    ev(100, 1, 'c2s', { d: big }),
    ev(200, 1, 's2c', { d: 'OK paths=0\r\n' }),
    ev(300, 1, 'c2s', { d: Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10]).toString('base64'), e: 'base64' }),
    ev(400, 1, 's2c', { d: `${HOSTILE.img}\r\n` }),
    ev(500, 1, 'close', { by: 'server', error: HOSTILE.script }),
  ];
  await writeLines(file, lines);
  return file;
}
