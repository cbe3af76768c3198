// PostgreSQL decoding and pairing, from real traffic: pg talking to the local server through a recording relay
// (simple query, extended query with parameters, errors in both flows, a multi-statement query, many rows), and psql's
// SSLRequest answered 'N'. The local server trusts every login, so the password and SCRAM round trips are built here
// message by message from the protocol documentation: no server on this machine will ask for them.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { postgres, redactPostgres } from '../../extension/core/protocols/postgres';
import { requireService, startRelay, type Chunk } from '../helpers/capture';
import { decodeAll, pairAll, prng, shape, splitAt, splitRandom, totalBytes } from '../helpers/wire';

const START = 'PostgreSQL on 127.0.0.1:5432 (trust auth, database `test`): `sudo service postgresql start`';

async function capturePg(): Promise<Chunk[]> {
  const relay = await startRelay(5432);
  const c = new pg.Client({ host: '127.0.0.1', port: relay.port, user: 'root', database: 'test' });
  await c.connect();
  await c.query('select 1 as a');
  await c.query('select $1::int as n, $2::text as t', [7, 'seven']);
  await c.query("create temp table ir_t (id int, v text); insert into ir_t values (1, 'a'), (2, null); select * from ir_t order by id");
  await c.query('selec 1').catch(() => undefined);
  await c.query('select $1::int as n', ['not a number']).catch(() => undefined);
  await c.query('select g from generate_series(1, 500) g');
  await c.end();
  await relay.close();
  return relay.chunks;
}

async function capturePsqlSslRefused(): Promise<Chunk[]> {
  const relay = await startRelay(5432);
  const env = { ...process.env, PGSSLMODE: 'prefer', PGCONNECT_TIMEOUT: '10' };
  await promisify(execFile)('psql', ['-h', '127.0.0.1', '-p', String(relay.port), '-U', 'root', '-d', 'test', '-Atc', 'select 42'], { env });
  await relay.close();
  return relay.chunks;
}

function typed(type: string, body: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h.write(type, 0, 'latin1');
  h.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([h, body]);
}
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const auth = (code: number, rest = Buffer.alloc(0)): Buffer => typed('R', Buffer.concat([int32(code), rest]));
const ready = typed('Z', Buffer.from('I'));
const startup = ((): Buffer => {
  const body = Buffer.concat([int32(196608), Buffer.from('user\0alice\0database\0test\0\0')]);
  return Buffer.concat([int32(body.length + 4), body]);
})();

/** A SCRAM-SHA-256 login as the protocol documents it: SASL, SASLInitialResponse, continue, response, final, ok. */
function scramLogin(): Chunk[] {
  const first = Buffer.from('n,,n=,r=rOprNGfwEbeRWgbNEkqO');
  const final = Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  const steps: Array<[Chunk['dir'], Buffer]> = [
    ['c2s', startup],
    ['s2c', auth(10, Buffer.from('SCRAM-SHA-256\0\0'))],
    ['c2s', typed('p', Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), int32(first.length), first]))],
    ['s2c', auth(11, Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))],
    ['c2s', typed('p', final)],
    [
      's2c',
      Buffer.concat([
        auth(12, Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')),
        auth(0),
        typed('S', Buffer.from('server_version\x0015\0')),
        typed('K', Buffer.concat([int32(4242), int32(99)])),
        ready,
      ]),
    ],
    ['c2s', typed('X', Buffer.alloc(0))],
  ];
  return steps.map(([dir, bytes], i) => ({ conn: 1, dir, bytes, tUs: i * 10 }));
}

function md5Login(): Chunk[] {
  const steps: Array<[Chunk['dir'], Buffer]> = [
    ['c2s', startup],
    ['s2c', auth(5, Buffer.from([1, 2, 3, 4]))],
    ['c2s', typed('p', Buffer.from('md5a3556571e93b0d20722ba62be61e8c2d\0'))],
    ['s2c', Buffer.concat([auth(0), ready])],
  ];
  return steps.map(([dir, bytes], i) => ({ conn: 1, dir, bytes, tUs: i * 10 }));
}

describe('postgres protocol', () => {
  let traffic: Chunk[] = [];
  let psql: Chunk[] = [];
  before(async () => {
    await requireService('PostgreSQL', 5432, START);
    traffic = await capturePg();
    psql = await capturePsqlSslRefused();
  });

  it('pairs every pg request with its answer up to ReadyForQuery, with no findings', () => {
    const run = pairAll(postgres, traffic);
    assert.deepEqual(run.findings, []);
    assert.equal(run.undecoded, 0);
    const summaries = run.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary ?? null]);
    assert.deepEqual(summaries, [
      ['startup user=root database=test', 'AuthenticationOk'],
      ['select 1 as a', 'SELECT 1 (a)'],
      ['select $1::int as n, $2::text as t ["7", "seven"]', 'SELECT 1 (n, t)'],
      [
        "create temp table ir_t (id int, v text); insert into ir_t values (1, 'a'), (2, null); select * from ir_t order by id",
        'CREATE TABLE; INSERT 0 2; SELECT 2 (id, v)',
      ],
      ['selec 1', 'ERROR 42601: syntax error at or near "selec"'],
      ['select $1::int as n ["not a number"]', 'ERROR 22P02: invalid input syntax for type integer: "not a number"'],
      ['select g from generate_series(1, 500) g', 'SELECT 500 (g)'],
      ['Terminate', null],
    ]);
    assert.equal(run.pairs.at(-1)?.request.expectsResponse, false);
  });

  it('decodes rows as a table, bound parameters as the key, and errors as failed answers', () => {
    const pairs = pairAll(postgres, traffic).pairs;
    assert.deepEqual(pairs[2].response?.decoded.fields?.rows, [['7', 'seven']]);
    assert.equal(pairs[2].request.decoded.key, '7');
    const multi = pairs[3].response?.decoded.fields?.results as Array<{ rows: unknown[] }>;
    assert.deepEqual(multi[2].rows, [
      ['1', 'a'],
      ['2', null],
    ]);
    assert.equal(pairs[4].response?.decoded.failed, true);
    assert.equal((pairs[4].response?.decoded.fields?.error as Record<string, string>).code, '42601');
    const many = pairs[6].response?.decoded.fields as { rows: unknown[]; rowCount: number };
    assert.equal(many.rowCount, 500);
    assert.equal(many.rows.length, 200, 'rows beyond the shown ones are counted, not kept');
  });

  it('frames the same messages at every split point, and under random chunkings', () => {
    const short = traffic.slice(
      0,
      traffic.findIndex((c) => c.bytes.includes('generate_series')),
    );
    const want = shape(decodeAll(postgres, short));
    for (let at = 1; at < totalBytes(short); at++) assert.deepEqual(shape(decodeAll(postgres, splitAt(short, at))), want, `split at ${at}`);
    const all = shape(decodeAll(postgres, traffic));
    for (let seed = 1; seed <= 20; seed++) {
      const chunks = splitRandom(traffic, prng(seed), seed === 1 ? 1 : 3 + seed * 7);
      assert.deepEqual(shape(decodeAll(postgres, chunks)), all, `seed ${seed}`);
      assert.deepEqual(pairAll(postgres, chunks).findings, []);
    }
  });

  it("pairs psql's SSLRequest with the server's bare N, then the startup in plain text", () => {
    const run = pairAll(postgres, psql);
    assert.deepEqual(run.findings, []);
    assert.deepEqual(
      run.pairs.slice(0, 3).map((p) => [p.request.decoded.summary, p.response?.decoded.summary]),
      [
        ['SSLRequest', 'encryption refused (N)'],
        [run.pairs[1].request.decoded.summary, 'AuthenticationOk'],
        ['select 42', 'SELECT 1 (?column?)'],
      ],
    );
    assert.match(run.pairs[1].request.decoded.summary, /^startup user=root database=test/);
  });

  it("pairs SCRAM and md5 round trips: each client auth message gets the server's next step", () => {
    const scram = pairAll(postgres, scramLogin());
    assert.deepEqual(scram.findings, []);
    assert.deepEqual(
      scram.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary ?? null]),
      [
        ['startup user=alice database=test', 'SASL SCRAM-SHA-256'],
        ['SASLInitialResponse', 'SASLContinue'],
        ['SASLResponse', 'SASLFinal, AuthenticationOk'],
        ['Terminate', null],
      ],
    );
    const md5 = pairAll(postgres, md5Login());
    assert.deepEqual(
      md5.pairs.map((p) => [p.request.decoded.summary, p.response?.decoded.summary]),
      [
        ['startup user=alice database=test', 'MD5Password'],
        ['PasswordMessage', 'AuthenticationOk'],
      ],
    );
  });

  it('masks password and SASL payloads, same length, and nothing else', () => {
    const [, , initial, , final] = scramLogin();
    const mi = redactPostgres('c2s', initial.bytes);
    assert.ok(mi);
    assert.equal(mi.length, initial.bytes.length);
    assert.ok(mi.includes('SCRAM-SHA-256\0'), 'the mechanism stays readable');
    assert.ok(!mi.includes('rOprNGfwEbeRWgbNEkqO'));
    const mf = redactPostgres('c2s', final.bytes);
    assert.ok(mf && !mf.includes('p=dHzb') && mf.length === final.bytes.length);
    const pw = md5Login()[2].bytes;
    const mp = redactPostgres('c2s', pw);
    assert.equal(mp?.toString('latin1', 5), `${'*'.repeat(35)}\0`);
    for (const m of decodeAll(postgres, traffic).filter((x) => x.dir === 'c2s')) assert.equal(redactPostgres('c2s', m.bytes), null, m.decoded.summary);
    const session = postgres.session();
    session.push('c2s', startup, 0);
    session.push('s2c', auth(5, Buffer.from([1, 2, 3, 4])), 1);
    assert.equal(session.push('c2s', mp ?? Buffer.alloc(0), 2)[0].decoded.summary, 'PasswordMessage', 'the masked message still frames');
  });
});
