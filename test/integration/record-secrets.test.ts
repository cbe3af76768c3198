// No login secret reaches a transcript, whichever way the client logs in and whether the protocol is named
// (--protocol) or told from the first bytes (an unknown port). Every session is recorded twice at once: the client
// talks to the masking recorder, which forwards to a --keep-auth recorder in front of the server, so the kept
// transcript holds the very proofs the client sent in the masked one (nonces make every login's proof new), and the
// masking recorder's target is a random port that says nothing of the protocol. The masked file is then searched for the
// password and each proof as they were sent, in hex (lower and upper) and in base64 at every alignment, both in the
// file's text and in the bytes it decodes to. Real servers: PostgreSQL and MariaDB started for this file with
// password logins, the machine's Redis; MongoDB as hand-built messages to a sink.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { Binary } from 'bson';
import Redis from 'ioredis';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { analyzeTranscript } from '../../extension/core/pairing';
import { startRecorder } from '../../extension/core/record';
import type { TranscriptEvent } from '../../extension/core/transcript';
import { requireService } from '../helpers/capture';
import { mariadbClient, mysqlProofs, pgProofs, startMariadb, startPostgres, type DbInstance, type MariadbInstance } from '../helpers/db-instances';
import { listen, roundTrip } from '../helpers/net';
import { opMsg, opQuery } from '../helpers/opmsg';
import { bytesOf, readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
/** unique per run, so that no other recording can hold them by chance */
const secret = (what: string) => `ir-${what}-${randomBytes(6).toString('hex')}`;
const PATHS = [
  { name: 'with --protocol', named: true },
  { name: 'on an unknown port', named: false },
];
const TIMEOUT = { connectionTimeoutMillis: 10_000, query_timeout: 10_000 };

type Recording = { masked: string; kept: string };
let recordings = 0;

/** Records one session through the masking recorder and, behind it on a random port, a --keep-auth one. */
async function recordBoth(name: string, protocol: string | undefined, serverPort: number, session: (port: number) => Promise<void>): Promise<Recording> {
  const stem = join(dir, `${++recordings}-${name}`);
  const files = { masked: `${stem}.masked.transcript.jsonl`, kept: `${stem}.kept.transcript.jsonl` };
  const keep = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${serverPort}`, out: files.kept, protocol, keepAuth: true });
  const mask = await startRecorder({ listen: '127.0.0.1:0', target: `127.0.0.1:${keep.address.port}`, out: files.masked, protocol });
  try {
    await session(mask.address.port);
    await new Promise((r) => setTimeout(r, 100)); // the last bytes and closes reach both files
  } finally {
    await mask.close();
    await keep.close();
  }
  return files;
}

/** Where the secret shows in the file: its forms found in the file's text or in its decoded bytes. */
function foundIn(file: string, events: TranscriptEvent[], value: Buffer): string[] {
  const forms: Array<[string, string]> = [
    ['plain', value.toString('latin1')],
    ['hex', value.toString('hex')],
    ['HEX', value.toString('hex').toUpperCase()],
  ];
  for (const shift of [0, 1, 2]) {
    // base64 of the value after `shift` other bytes: only the characters that depend on the value alone
    const b64 = Buffer.concat([Buffer.alloc(shift), value]).toString('base64');
    forms.push([`base64@${shift}`, b64.slice([0, 2, 3][shift], Math.floor((shift + value.length) / 3) * 4)]);
  }
  const text = readFileSync(file, 'latin1');
  const conns = [...new Set(events.map((e) => e.c))];
  const streams = conns.flatMap((c) => [bytesOf(events, c, 'c2s'), bytesOf(events, c, 's2c')]).map((b) => b.toString('latin1'));
  return forms.flatMap(([form, s]) => [
    ...(text.includes(s) ? [`${form} in the file's text`] : []),
    ...(streams.some((b) => b.includes(s)) ? [`${form} in the recorded bytes`] : []),
  ]);
}

/** Asserts no secret shows in the masked file, naming each that does and how. */
async function assertMasked(rec: Recording, secrets: Record<string, Buffer>): Promise<void> {
  const events = await readAll(rec.masked);
  const shown = (v: Buffer) => (/^[\x20-\x7e]*$/.test(v.toString('latin1')) ? v.toString('latin1') : `hex ${v.toString('hex')}`);
  const leaks = Object.entries(secrets).flatMap(([what, value]) => foundIn(rec.masked, events, value).map((how) => `${what} (${shown(value)}): ${how}`));
  assert.deepEqual(leaks, [], `secrets in ${rec.masked}`);
}

/** The masked file still decodes and pairs: no mismatch, nothing undecoded, and the login got its answer. */
async function assertPairs(file: string, login: RegExp, protocol: string): Promise<void> {
  const paired: string[] = [];
  const a = await analyzeTranscript(file, { onMessage: (_c, _m, _ref, req) => void (req && paired.push(req.summary)) });
  assert.equal(a.summary.findings.mismatch, 0, 'no mismatch');
  assert.equal(a.summary.undecoded, 0, 'every message decodes');
  assert.deepEqual(Object.keys(a.summary.protocols), [protocol]);
  assert.ok(
    paired.some((s) => login.test(s)),
    `the login ${login} pairs; paired: ${paired.join(' | ')}`,
  );
}

/** Logs in with compression (mysqlclient, the Python driver on libmariadb), changes user, says who it is now. */
const CHANGE_USER_PY = `
import sys, MySQLdb
port, user, pw, user2, pw2 = int(sys.argv[1]), *sys.argv[2:6]
c = MySQLdb.connect(host='127.0.0.1', port=port, user=user, passwd=pw, compress=1, connect_timeout=10)
c.change_user(user2, pw2)
cur = c.cursor()
cur.execute('select current_user()')
print(cur.fetchone()[0])
c.close()
`;
const run = promisify(execFile);

/** The auth responses of COM_CHANGE_USER packets inside the client's compressed packets (after the login's OK). */
function compressedChangeUserProofs(events: TranscriptEvent[]): Buffer[] {
  const sent = bytesOf(events, 1, 'c2s');
  const login = sent.readUIntLE(0, 3) + 4; // the handshake response; compression starts after the server's OK
  const out: Buffer[] = [];
  for (let at = login; at + 7 <= sent.length;) {
    const len = sent.readUIntLE(at, 3);
    const inflatedLength = sent.readUIntLE(at + 4, 3);
    const payload = sent.subarray(at + 7, at + 7 + len);
    const inner = inflatedLength === 0 ? payload : inflateSync(payload);
    // command byte, user NUL, a 1-byte auth length, the auth response
    if (inner[3] === 0 && inner[4] === 0x11) {
      const nul = inner.indexOf(0, 5);
      out.push(inner.subarray(nul + 2, nul + 2 + inner[nul + 1]));
    }
    at += 7 + len;
  }
  return out;
}

function asBytes(secrets: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(secrets).map(([what, value]) => [what, Buffer.from(value)]));
}

function proofsOf(kept: TranscriptEvent[], parse: (e: TranscriptEvent[]) => Buffer[]): Record<string, Buffer> {
  return Object.fromEntries(parse(kept).map((p, i) => [`proof ${i + 1} the client sent`, p]));
}

describe('no login secret reaches a transcript', { timeout: 300_000 }, () => {
  describe('PostgreSQL: password, md5, SCRAM-SHA-256', () => {
    const logins = [
      { user: 'pw_user', password: secret('pg-password'), method: 'password' as const, proofs: 1 },
      { user: 'md5_user', password: secret('pg-md5'), method: 'md5' as const, proofs: 1 },
      { user: 'scram_user', password: secret('pg-scram'), method: 'scram-sha-256' as const, proofs: 3 },
    ];
    let pg: DbInstance | undefined;
    before(async () => (pg = await startPostgres(logins)));
    after(async () => pg?.stop());
    const login = (l: (typeof logins)[number], path: (typeof PATHS)[number]) =>
      recordBoth(`pg-${l.method}-${path.named ? 'named' : 'auto'}`, path.named ? 'postgres' : undefined, (pg as DbInstance).port, async (port) => {
        const client = new Client({ host: '127.0.0.1', port, user: l.user, password: l.password, database: 'postgres', ...TIMEOUT });
        await client.connect();
        assert.equal((await client.query('select 1 as one')).rows[0].one, 1);
        await client.end();
      });

    for (const path of PATHS) {
      for (const l of logins) {
        test(`${l.method} login ${path.name}: neither the password nor what the client proved it with is recorded, and the login pairs`, async () => {
          const rec = await login(l, path);
          const kept = await readAll(rec.kept);
          assert.equal(pgProofs(kept).length, l.proofs, 'the kept recording shows what the client sent');
          await assertMasked(rec, { password: Buffer.from(l.password), ...proofsOf(kept, pgProofs) });
          await assertPairs(rec.masked, /^startup/, 'postgres');
        });
      }
    }

    test('--keep-auth keeps them: the cleartext password, and the md5 hash the server asked for', async () => {
      const [pw, md5] = logins;
      const plain = await login(pw, PATHS[1]);
      assert.notDeepEqual(foundIn(plain.kept, await readAll(plain.kept), Buffer.from(pw.password)), [], 'the password is in the kept file');
      const hashed = await login(md5, PATHS[1]);
      const kept = await readAll(hashed.kept);
      const down = bytesOf(kept, 1, 's2c');
      const ask = down.indexOf(Buffer.from([0x52, 0, 0, 0, 12, 0, 0, 0, 5])); // AuthenticationMD5Password and its salt
      const md5hex = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
      const expected = `md5${md5hex(Buffer.concat([Buffer.from(md5hex(md5.password + md5.user)), down.subarray(ask + 9, ask + 13)]))}`;
      assert.ok(ask >= 0 && pgProofs(kept)[0].equals(Buffer.from(expected)), 'the proof taken from the kept file is the md5 hash of the password');
    });
  });

  describe('MariaDB: mysql_native_password, ed25519, COM_CHANGE_USER', () => {
    const native = { user: 'native_user', password: secret('mysql-native') };
    const ed = { user: 'ed_user', password: secret('mysql-ed25519') };
    const changed = { user: 'second_user', password: secret('mysql-change-user') };
    let db: MariadbInstance | undefined;
    before(
      async () =>
        (db = await startMariadb([
          { ...native, plugin: 'native' },
          { ...changed, plugin: 'native' },
          { ...ed, plugin: 'ed25519' },
        ])),
    );
    after(async () => db?.stop());
    const record = (name: string, path: (typeof PATHS)[number], session: (port: number) => Promise<void>) =>
      recordBoth(`mysql-${name}-${path.named ? 'named' : 'auto'}`, path.named ? 'mysql' : undefined, (db as MariadbInstance).port, session);
    const nativeLogin = (port: number) => mysql.createConnection({ host: '127.0.0.1', port, ...native, connectTimeout: 10_000 });

    for (const path of PATHS) {
      test(`mysql_native_password login ${path.name}: neither the password nor the scramble is recorded, and the login pairs`, async () => {
        const rec = await record('native', path, async (port) => {
          const c = await nativeLogin(port);
          await c.query({ sql: 'select 1', timeout: 10_000 });
          await c.end();
        });
        const kept = await readAll(rec.kept);
        assert.equal(mysqlProofs(kept).length, 1, 'the kept recording shows the 20-byte scramble');
        await assertMasked(rec, { password: Buffer.from(native.password), ...proofsOf(kept, mysqlProofs) });
        await assertPairs(rec.masked, /^login native_user/, 'mysql');
      });

      test(`ed25519 login (the mariadb client) ${path.name}: neither the password nor the signature is recorded, and the login pairs`, async () => {
        // MariaDB ships the plugin with its server: without it this case cannot run, and that is a failure, not a skip
        assert.equal((db as MariadbInstance).noEd25519, null, 'the ed25519 plugin is needed');
        const rec = await record('ed25519', path, (port) => mariadbClient(port, ed.user, ed.password));
        const kept = await readAll(rec.kept);
        assert.ok(
          mysqlProofs(kept).some((p) => p.length === 64),
          'the kept recording shows the 64-byte signature',
        );
        await assertMasked(rec, { password: Buffer.from(ed.password), ...proofsOf(kept, mysqlProofs) });
        await assertPairs(rec.masked, /^login ed_user/, 'mysql');
      });

      test(`COM_CHANGE_USER ${path.name}: neither password nor either scramble is recorded, and the change of user pairs`, async () => {
        const rec = await record('change-user', path, async (port) => {
          const c = await nativeLogin(port);
          await c.changeUser({ user: changed.user, password: changed.password });
          const [rows] = await c.query({ sql: 'select current_user() as u', timeout: 10_000 });
          assert.equal((rows as Array<{ u: string }>)[0].u, `${changed.user}@%`);
          await c.end();
        });
        const kept = await readAll(rec.kept);
        assert.ok(mysqlProofs(kept).length >= 2, "the kept recording shows both logins' scrambles");
        await assertMasked(rec, {
          'first password': Buffer.from(native.password),
          'new password': Buffer.from(changed.password),
          ...proofsOf(kept, mysqlProofs),
        });
        await assertPairs(rec.masked, /^COM_CHANGE_USER$/, 'mysql');
      });

      test(`COM_CHANGE_USER over the compressed protocol ${path.name}: the deflated change of user is masked, and it still pairs`, async () => {
        // mysqlclient (libmariadb) deflates every packet past 50 bytes; mysql2 sends its packets stored, as they are
        const rec = await record('change-user-compressed', path, async (port) => {
          const { stdout } = await run('/usr/bin/python3', ['-c', CHANGE_USER_PY, String(port), native.user, native.password, changed.user, changed.password], {
            timeout: 30_000,
          });
          assert.equal(stdout.trim(), `${changed.user}@%`);
        });
        const kept = await readAll(rec.kept);
        const proofs = compressedChangeUserProofs(kept);
        assert.equal(proofs.length, 1, "the kept recording shows the change of user's scramble, inside a deflated packet");
        await assertMasked(rec, {
          'first password': Buffer.from(native.password),
          'new password': Buffer.from(changed.password),
          ...proofsOf(kept, mysqlProofs),
          "the change of user's scramble": proofs[0],
        });
        assert.deepEqual(
          compressedChangeUserProofs(await readAll(rec.masked)),
          [Buffer.alloc(20, 0x2a)],
          'the masked file holds the change of user, its scramble masked',
        );
        await assertPairs(rec.masked, /^COM_CHANGE_USER$/, 'mysql');
      });
    }

    test('--keep-auth keeps the scramble: the one computed from the password and the greeting', async () => {
      const rec = await record('native-keep', PATHS[1], async (port) => (await nativeLogin(port)).end());
      const kept = await readAll(rec.kept);
      const greeting = bytesOf(kept, 1, 's2c').subarray(4);
      const at = greeting.indexOf(0, 1) + 1 + 4; // protocol version, server version, connection id
      const scramble = Buffer.concat([greeting.subarray(at, at + 8), greeting.subarray(at + 27, at + 39)]);
      const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest();
      const stage1 = sha1(native.password);
      const mix = sha1(Buffer.concat([scramble, sha1(stage1)]));
      const expected = Buffer.from(stage1.map((b, i) => b ^ mix[i]));
      assert.ok(mysqlProofs(kept)[0].equals(expected), 'the proof taken from the kept file is the scramble of the password');
      assert.notDeepEqual(foundIn(rec.kept, kept, expected), [], 'the scramble is in the kept file');
      assert.deepEqual(foundIn(rec.masked, await readAll(rec.masked), expected), []);
    });
  });

  describe('Redis: AUTH and the commands that carry a password', () => {
    // the machine's Redis has no password: AUTH fails, but its bytes carry the secret all the same
    const secrets = {
      AUTH: secret('redis-auth'),
      'AUTH user': secret('redis-auth-user'),
      'HELLO AUTH': secret('redis-hello'),
      'CONFIG SET masterauth': secret('redis-masterauth'),
      'ACL SETUSER': secret('redis-acl'),
      'MIGRATE AUTH': secret('redis-migrate'),
      'MIGRATE AUTH2': secret('redis-migrate2'),
    };
    const commands = [
      ['AUTH', secrets.AUTH],
      ['AUTH', 'ir_no_such_user', secrets['AUTH user']],
      ['HELLO', '3', 'AUTH', 'default', secrets['HELLO AUTH']],
      ['CONFIG', 'SET', 'masterauth', secrets['CONFIG SET masterauth']],
      ['CONFIG', 'SET', 'masterauth', ''],
      ['ACL', 'SETUSER', 'ir_secret_user', 'on', `>${secrets['ACL SETUSER']}`],
      ['ACL', 'DELUSER', 'ir_secret_user'],
      ['MIGRATE', '127.0.0.1', '1', '', '0', '100', 'AUTH', secrets['MIGRATE AUTH'], 'KEYS', 'nokey'],
      ['MIGRATE', '127.0.0.1', '1', '', '0', '100', 'AUTH2', 'default', secrets['MIGRATE AUTH2'], 'KEYS', 'nokey'],
    ];
    before(() => requireService('Redis', 6379, 'redis-server --daemonize yes --port 6379'));
    after(async () => {
      // the shared Redis gets its settings back even when a test stopped halfway
      const r = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, commandTimeout: 10_000, retryStrategy: () => null });
      await r.connect();
      await r.call('CONFIG', 'SET', 'masterauth', '');
      await r.call('ACL', 'DELUSER', 'ir_secret_user');
      r.disconnect();
    });

    for (const path of PATHS) {
      test(`AUTH, HELLO AUTH, CONFIG SET masterauth, ACL SETUSER, MIGRATE AUTH/AUTH2 ${path.name}: no password is recorded, and AUTH pairs`, async () => {
        const rec = await recordBoth(`redis-${path.named ? 'named' : 'auto'}`, path.named ? 'redis' : undefined, 6379, async (port) => {
          const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, commandTimeout: 10_000 });
          client.on('error', () => {});
          await client.connect();
          for (const [name, ...args] of commands) await client.call(name, ...args).catch(() => {});
          assert.equal(await client.call('PING'), 'PONG');
          client.disconnect();
        });
        const kept = await readAll(rec.kept);
        for (const [what, value] of Object.entries(secrets)) assert.notDeepEqual(foundIn(rec.kept, kept, Buffer.from(value)), [], `--keep-auth keeps ${what}`);
        await assertMasked(rec, asBytes(secrets));
        await assertPairs(rec.masked, /^AUTH/, 'redis');
      });

      test(`ACL SETUSER removing a password (<pass, !hash) ${path.name}: Redis's error quotes the rule, and the password is not recorded there either`, async () => {
        // removing a password the user does not have: Redis answers "ERR Error in ACL SETUSER modifier '<pass': ..."
        const removed = { '<pass': secret('redis-acl-remove'), '!hash': createHash('sha256').update(secret('redis-acl-hash')).digest('hex') };
        const rec = await recordBoth(`redis-acl-remove-${path.named ? 'named' : 'auto'}`, path.named ? 'redis' : undefined, 6379, async (port) => {
          const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, commandTimeout: 10_000 });
          await client.connect();
          await assert.rejects(client.call('ACL', 'SETUSER', 'ir_secret_user', `<${removed['<pass']}`), /modifier '<ir-redis-acl-remove/);
          await assert.rejects(client.call('ACL', 'SETUSER', 'ir_secret_user', `!${removed['!hash']}`), /modifier '!/);
          await client.call('ACL', 'DELUSER', 'ir_secret_user');
          client.disconnect();
        });
        await assertMasked(rec, asBytes(removed));
      });

      test(`an AUTH cut off mid-message when the connection ends ${path.name}: its partial password is not recorded`, async () => {
        const password = secret('redis-cut');
        const rec = await recordBoth(`redis-cut-${path.named ? 'named' : 'auto'}`, path.named ? 'redis' : undefined, 6379, async (port) => {
          // the declared length is past what is sent: the message never completes, and Redis closes on the client's end
          await roundTrip(port, Buffer.from(`*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nAUTH\r\n$64\r\n${password}`));
        });
        assert.notDeepEqual(foundIn(rec.kept, await readAll(rec.kept), Buffer.from(password)), [], '--keep-auth keeps it');
        await assertMasked(rec, { 'the partial AUTH password': Buffer.from(password) });
      });
    }
  });

  describe('MongoDB: SASL PLAIN and SCRAM, speculative authentication, MONGODB-CR, createUser and updateUser', () => {
    const scramProof = randomBytes(32);
    const md5hex = (s: string) => createHash('md5').update(s).digest('hex');
    const secrets = {
      'speculative PLAIN': secret('mongo-speculative'),
      'saslStart PLAIN': secret('mongo-plain'),
      'MONGODB-CR key': md5hex(`nonce1app${md5hex(`app:mongo:${secret('mongo-cr')}`)}`),
      'createUser pwd': secret('mongo-create'),
      'updateUser pwd': secret('mongo-update'),
      'SCRAM proof': scramProof.toString('base64'),
    };
    const plain = (password: string) => new Binary(Buffer.from(`\0app\0${password}`));
    // the first message as drivers send it, OP_QUERY, so an unknown port is told MongoDB from its header
    const messages = [
      opQuery(
        'admin.$cmd',
        { hello: 1, speculativeAuthenticate: { saslStart: 1, mechanism: 'PLAIN', payload: plain(secrets['speculative PLAIN']), db: '$external' } },
        1,
      ),
      opMsg({ saslStart: 1, mechanism: 'PLAIN', payload: plain(secrets['saslStart PLAIN']), $db: '$external' }, { requestID: 2 }),
      opMsg(
        { saslContinue: 1, conversationId: 1, payload: new Binary(Buffer.from(`c=biws,r=abc123,p=${secrets['SCRAM proof']}`)), $db: 'admin' },
        { requestID: 3 },
      ),
      opQuery('admin.$cmd', { authenticate: 1, mechanism: 'MONGODB-CR', user: 'app', nonce: 'nonce1', key: secrets['MONGODB-CR key'] }, 4),
      opMsg({ createUser: 'app', pwd: secrets['createUser pwd'], roles: [], $db: 'admin' }, { requestID: 5 }),
      opMsg({ updateUser: 'app', pwd: secrets['updateUser pwd'], $db: 'admin' }, { requestID: 6 }),
    ];

    for (const path of PATHS) {
      test(`every authentication payload and password ${path.name}: masked, same length, and every message still decodes`, async () => {
        const sink = createServer((s) => s.resume()); // reads all, answers nothing, ends when the client does
        const rec = await recordBoth(`mongodb-${path.named ? 'named' : 'auto'}`, path.named ? 'mongodb' : undefined, await listen(sink), async (port) => {
          await roundTrip(port, Buffer.concat(messages));
        });
        await new Promise((r) => sink.close(r));
        const all = { ...asBytes(secrets), 'SCRAM proof bytes': scramProof };
        const kept = await readAll(rec.kept);
        for (const [what, value] of Object.entries(all)) assert.notDeepEqual(foundIn(rec.kept, kept, value), [], `--keep-auth keeps ${what}`);
        await assertMasked(rec, all);
        assert.equal(bytesOf(await readAll(rec.masked), 1, 'c2s').length, Buffer.concat(messages).length, 'lengths kept');
        const a = await analyzeTranscript(rec.masked);
        assert.deepEqual([a.summary.requests, a.summary.undecoded, a.summary.protocols], [messages.length, 0, { mongodb: 1 }]);
      });
    }
  });
});
