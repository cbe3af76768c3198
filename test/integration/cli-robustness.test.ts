// Hostile input across the verbs, as a table: every case ends with one clear line on stderr naming what is wrong
// and exit 2 (or its verdict), within a time bound, with no stack trace, and no file left behind or changed.
// Real servers where a case needs one (a MariaDB port answering a MongoDB or PostgreSQL client).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import mysql2 from 'mysql2/promise';
import pg from 'pg';
import { cli } from '../helpers/cli';
import { startPostgres } from '../helpers/db-instances';
import { closedPort } from '../helpers/net';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
const REPLAY = join(__dirname, '..', '..', 'replays', 'mogilefs-2008', 'mogilefs-2008.transcript.jsonl');
const HEADER = JSON.stringify({
  type: 'header',
  format: 'incident-replay/transcript',
  version: 1,
  protocol: 'mogilefs',
  startedAt: '2020-01-01T00:00:00Z',
  clock: 'us',
});

/** pcapng blocks, by hand, to say what a damaged or odd file holds */
function block(type: number, body: Buffer, total = 12 + body.length): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(type, 0);
  head.writeUInt32LE(total, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(total, 0);
  return Buffer.concat([head, body, tail]);
}
const SHB = block(0x0a0d0d0a, Buffer.from([0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
const IDB = block(1, Buffer.from([1, 0, 0, 0, 0xff, 0xff, 0, 0]));
/** an enhanced packet block: a TCP SYN on Ethernet at `ts` units, whose captured length may lie */
function epb(ts: bigint, capLie?: number): Buffer {
  const pkt = Buffer.concat([
    Buffer.alloc(12),
    Buffer.from([8, 0, 0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]),
    Buffer.from([4, 210, 12, 234, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 2, 3, 232, 0, 0, 0, 0]),
  ]);
  const fixed = Buffer.alloc(20);
  fixed.writeUInt32LE(Number(ts >> 32n), 4);
  fixed.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  fixed.writeUInt32LE(capLie ?? pkt.length, 12);
  fixed.writeUInt32LE(pkt.length, 16);
  return block(6, Buffer.concat([fixed, pkt, Buffer.alloc((4 - (pkt.length % 4)) % 4)]));
}

interface Case {
  name: string;
  args: string[];
  code: number;
  /** what the one line on stderr says (for exit 2), or what stdout says */
  says: RegExp;
  /** files that must not exist afterwards */
  noFiles?: string[];
}

describe('the CLI on hostile input', { timeout: 600_000 }, () => {
  const f = (name: string) => join(dir, name);
  const keep = f('keep-me.transcript.jsonl');
  const closed: { port: number } = { port: 0 };

  test('setup: the inputs', async () => {
    writeFileSync(f('bom.transcript.jsonl'), `\ufeff${readFileSync(REPLAY, 'utf8').split('\n').slice(0, 40).join('\n')}\n`);
    writeFileSync(
      f('ctrl.transcript.jsonl'),
      `${JSON.stringify({ type: 'header', format: 'incident-replay/transcript', version: 1, protocol: 'x', startedAt: '2020-01-01T00:00:00Z', clock: 'us', source: {} })}\n` +
        `${JSON.stringify({ t: 1, c: 1, k: 'c2s', d: 'get_paths domain=d&key=\u001b[2J\u202eevil\r\n' })}\n`,
    );
    writeFileSync(f('bad.transcript.jsonl'), `${HEADER}\n{oops\n`);
    writeFileSync(keep, 'keep me');
    writeFileSync(f('caplen-lie.pcapng'), Buffer.concat([SHB, IDB, epb(1000n, 1e9)]));
    writeFileSync(f('short-block.pcapng'), Buffer.concat([SHB, IDB, block(6, Buffer.alloc(0), 8)]));
    writeFileSync(f('unaligned.pcapng'), Buffer.concat([SHB, IDB, block(6, Buffer.alloc(1), 13)]));
    writeFileSync(f('far-future.pcapng'), Buffer.concat([SHB, IDB, epb(2n ** 63n)]));
    // a shard that grows one byte an hour: its crossover is centuries away, past what a date can say
    const flat = ['time,shard,data_bytes,ram_bytes', ...Array.from({ length: 48 }, (_, h) => `${1285891200 + h * 3600},shard0,${1e9 + h},66GB`)];
    writeFileSync(f('flat.metrics.csv'), `${flat.join('\n')}\n`);
    writeFileSync(f('notes.txt'), 'not a capture\n');
    mkdirSync(f('a-directory'));
    execFileSync('mkfifo', [f('a.fifo')]);
    closed.port = await closedPort();
    // a user that may read but not create: PostgreSQL 15 gives no CREATE on public to a new role; MariaDB, select only
    const p = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await p.connect();
    await p.query(`do $$ begin if not exists (select from pg_roles where rolname = 'ir_readonly') then create role ir_readonly login; end if; end $$`);
    await p.query('revoke create on schema public from public');
    await p.end();
    const m = await mysql2.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
    await m.query(`create user if not exists 'ir_readonly'@'%'`);
    await m.query(`grant select on test.* to 'ir_readonly'@'%'`);
    await m.end();
  });

  const cases = (): Case[] => [
    { name: 'a UTF-8 byte-order mark before the header is accepted', args: ['analyze', f('bom.transcript.jsonl')], code: 0, says: /clean: / },
    {
      name: 'control characters and bidi overrides from a file reach the terminal escaped',
      args: ['analyze', '--all', f('ctrl.transcript.jsonl')],
      code: 0,
      says: /\\u001b\[2J\\u202eevil/,
    },
    {
      name: 'several files, one bad: the others are judged, the bad one is one line',
      args: ['analyze', '--json', REPLAY, f('bad.transcript.jsonl')],
      code: 2,
      says: /bad\.transcript\.jsonl:2: not JSON/,
    },
    {
      name: 'metrics --json on a nearly flat shard: the forecast centuries away is no crash',
      args: ['metrics', '--json', f('flat.metrics.csv')],
      code: 0,
      says: /"shard": "shard0"/,
    },
    { name: 'analyze: a directory', args: ['analyze', f('a-directory')], code: 2, says: /a-directory: not a file/ },
    {
      name: 'import: a missing file',
      args: ['import', f('missing.pcap'), '--out', f('i1.transcript.jsonl')],
      code: 2,
      says: /missing\.pcap: no such file/,
      noFiles: [f('i1.transcript.jsonl')],
    },
    {
      name: 'import: a directory',
      args: ['import', f('a-directory'), '--out', f('i2.transcript.jsonl')],
      code: 2,
      says: /a-directory: a directory, not a capture file/,
      noFiles: [f('i2.transcript.jsonl')],
    },
    {
      name: 'import: a FIFO does not hang',
      args: ['import', f('a.fifo'), '--out', f('i3.transcript.jsonl')],
      code: 2,
      says: /a\.fifo: a FIFO, not a capture file/,
      noFiles: [f('i3.transcript.jsonl')],
    },
    {
      name: 'import: not a capture',
      args: ['import', f('notes.txt'), '--out', f('i4.transcript.jsonl')],
      code: 2,
      says: /notes\.txt: not a pcap or pcapng capture/,
      noFiles: [f('i4.transcript.jsonl')],
    },
    {
      name: 'import: a packet longer than its block',
      args: ['import', f('caplen-lie.pcapng'), '--out', f('i5.transcript.jsonl')],
      code: 2,
      says: /caplen-lie\.pcapng: a packet at byte 48 is longer than its block/,
      noFiles: [f('i5.transcript.jsonl')],
    },
    {
      name: 'import: a block shorter than a block can be',
      args: ['import', f('short-block.pcapng'), '--out', f('i6.transcript.jsonl')],
      code: 2,
      says: /short-block\.pcapng: a block at byte 48 says it is 8 bytes/,
      noFiles: [f('i6.transcript.jsonl')],
    },
    {
      name: 'import: a block length that is no multiple of 4',
      args: ['import', f('unaligned.pcapng'), '--out', f('i7.transcript.jsonl')],
      code: 2,
      says: /unaligned\.pcapng: a block at byte 48 says it is 13 bytes/,
      noFiles: [f('i7.transcript.jsonl')],
    },
    {
      name: 'import: a first packet dated past any calendar',
      args: ['import', f('far-future.pcapng'), '--out', f('i8.transcript.jsonl')],
      code: 2,
      says: /far-future\.pcapng: the first packet's time .* is not a time this tool can place/,
      noFiles: [f('i8.transcript.jsonl')],
    },
    { name: 'import: never overwrites', args: ['import', f('notes.txt'), '--out', keep], code: 2, says: /./ },
    {
      name: 'fragmentation: a size past any real one',
      args: ['fragmentation', '--doc-bytes', '1e400', '--move', '5%'],
      code: 2,
      says: /--doc-bytes: "1e400" is not a size/,
    },
    {
      name: 'record: a URL for --target',
      args: ['record', '--listen', '127.0.0.1:0', '--target', 'http://127.0.0.1:80', '--out', f('r1.transcript.jsonl')],
      code: 2,
      says: /--target: "http:\/\/127\.0\.0\.1:80" is a URL; give host:port/,
      noFiles: [f('r1.transcript.jsonl')],
    },
    {
      name: 'record: a latency past what a timer can wait',
      args: ['record', '--listen', '127.0.0.1:0', '--target', '127.0.0.1:1', '--out', f('r2.transcript.jsonl'), '--fault', 'latency:3000000000ms'],
      code: 2,
      says: /"3000000000ms" is longer than 24h/,
      noFiles: [f('r2.transcript.jsonl')],
    },
    {
      name: 'record: an unknown protocol',
      args: ['record', '--listen', '127.0.0.1:0', '--target', '127.0.0.1:1', '--out', f('r3.transcript.jsonl'), '--protocol', 'bogus'],
      code: 2,
      says: /--protocol "bogus" is not one of auto, /,
      noFiles: [f('r3.transcript.jsonl')],
    },
    {
      name: 'collect: an interval that would hammer the server',
      args: ['collect', 'mysql://root@127.0.0.1:3306/test', '--interval', '1us', '--out', f('c1.csv')],
      code: 2,
      says: /--interval "1us" is shorter than 100ms/,
      noFiles: [f('c1.csv')],
    },
    {
      name: 'check: Redis on a refused port is one line, not a retry loop',
      args: ['check', `redis://127.0.0.1:${closed.port}`, '--client', 'ioredis', '--requests', '10'],
      code: 2,
      says: new RegExp(`127\\.0\\.0\\.1:${closed.port}: `),
    },
    {
      name: 'check: a MongoDB client at a MariaDB port',
      args: ['check', 'mongodb://127.0.0.1:3306/test', '--client', 'mongodb', '--requests', '10'],
      code: 2,
      says: /127\.0\.0\.1:3306: a MySQL\/MariaDB server answered, not MongoDB/,
    },
    {
      name: 'check: a PostgreSQL client at a MariaDB port',
      args: ['check', 'postgres://postgres@127.0.0.1:3306/test', '--client', 'pg', '--requests', '10'],
      code: 2,
      says: /127\.0\.0\.1:3306: did not answer as a PostgreSQL server/,
    },
    {
      name: 'bench: a MongoDB URL at a MariaDB port',
      args: ['bench', 'mongodb://127.0.0.1:3306/test', '--workload', 'select', '--concurrency', '1', '--duration', '1s'],
      code: 2,
      says: /a MySQL\/MariaDB server answered, not MongoDB/,
    },
    {
      name: 'bench: a PostgreSQL URL at a MariaDB port',
      args: ['bench', 'postgres://postgres@127.0.0.1:3306/test', '--workload', 'select', '--concurrency', '1', '--duration', '1s'],
      code: 2,
      says: /did not answer as a PostgreSQL server/,
    },
    {
      name: 'check: a PostgreSQL user without CREATE on the schema',
      args: ['check', 'postgres://ir_readonly@127.0.0.1:5432/test', '--client', 'pg', '--requests', '10'],
      code: 2,
      says: /127\.0\.0\.1:5432: the server refused to set up the check's table .*permission denied for schema public/,
    },
    {
      name: 'check: a read-only MariaDB user',
      args: ['check', 'mysql://ir_readonly@127.0.0.1:3306/test', '--client', 'mysql2', '--requests', '10'],
      code: 2,
      says: /127\.0\.0\.1:3306: the server refused to set up the check's table .*denied to user 'ir_readonly'/,
    },
    {
      name: 'bench: a PostgreSQL user without CREATE on the schema',
      args: ['bench', 'postgres://ir_readonly@127.0.0.1:5432/test', '--workload', 'insert', '--concurrency', '1', '--duration', '1s'],
      code: 2,
      says: /the server refused to set up the bench's table "data": permission denied/,
    },
    {
      name: 'bench: a read-only MariaDB user',
      args: ['bench', 'mysql://ir_readonly@127.0.0.1:3306/test', '--workload', 'insert', '--concurrency', '1', '--duration', '1s'],
      code: 2,
      says: /the server refused to set up the bench's table "data": .*denied to user 'ir_readonly'/,
    },
    {
      name: 'collect: a MongoDB URL at a MariaDB port',
      args: ['collect', 'mongodb://127.0.0.1:3306/test', '--out', f('c2.csv'), '--duration', '1s'],
      code: 2,
      says: /a MySQL\/MariaDB server answered, not MongoDB/,
      noFiles: [f('c2.csv')],
    },
  ];

  test('a PostgreSQL that asks for a SCRAM password the URL does not give: one line, for check, bench and collect', async (t) => {
    const server = await startPostgres([{ user: 'ir_scram', password: 'not-in-the-url', method: 'scram-sha-256' }]);
    t.after(() => server.stop());
    const url = `postgres://ir_scram@127.0.0.1:${server.port}/postgres`;
    for (const args of [
      ['check', url, '--client', 'pg', '--requests', '10'],
      ['bench', url, '--workload', 'select', '--concurrency', '1', '--duration', '1s'],
      ['collect', url, '--out', f('scram.csv'), '--duration', '1s'],
    ]) {
      const r = await cli(args, { timeoutMs: 60_000 });
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`127\\.0\\.0\\.1:${server.port}: the server asks (user "ir_scram" )?for a password \\(SCRAM\\) and the URL gives none`),
        args[0],
      );
    }
    assert.equal(existsSync(f('scram.csv')), false);
  });

  test('every case: its exit, one line, no stack trace, within 60 s, nothing left behind or changed', async () => {
    for (const c of cases()) {
      const started = Date.now();
      const r = await cli(c.args, { timeoutMs: 60_000 });
      const took = Date.now() - started;
      assert.notEqual(r.code, null, `${c.name}: killed after ${took} ms (a hang)`);
      assert.equal(r.code, c.code, `${c.name}: exit ${r.code}; stderr: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, `${c.name}: a stack trace or an internal error: ${r.stderr}`);
      if (c.code === 2) {
        assert.equal(r.stderr.trim().split('\n').length, 1, `${c.name}: one line, not: ${r.stderr}`);
        assert.match(r.stderr, c.says, c.name);
      } else {
        assert.match(r.stdout, c.says, c.name);
      }
      for (const file of c.noFiles ?? []) assert.equal(existsSync(file), false, `${c.name}: ${file} was left behind`);
    }
    assert.equal(readFileSync(keep, 'utf8'), 'keep me');
  });
});
