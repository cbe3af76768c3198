// The verdict on recordings of real third-party clients (test/fixtures/real, replays/redis-2023; each README says how
// each was made): pipelining clients are clean, the redis-py 4.5.2/4.5.3 cancel is a mismatch request by request as
// the client itself saw it, and what could not be seen (nothing, a refused target, random bytes, TLS, a capture gap,
// a cut capture) is inconclusive, never clean.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { importCapture } from '../../extension/core/capture';
import { analyzeTranscript, Pairing } from '../../extension/core/pairing';
import { redis } from '../../extension/core/protocols/redis';
import { openTranscript } from '../../extension/core/transcript';
import { cli } from '../helpers/cli';
import { freshDir } from '../helpers/timeline-fixtures';

const ROOT = join(__dirname, '..', '..');
const REAL = join(ROOT, 'test', 'fixtures', 'real');
const REDIS_2023 = join(ROOT, 'replays', 'redis-2023');
const dir = freshDir('verdicts-real-');

/** The client's own account: each GET's number and, for a wrong one, the key whose value it got. */
function clientWrong(file: string): Map<number, string> {
  const wrong = new Map<number, string>();
  for (const m of readFileSync(file, 'utf8').matchAll(/^#(\d+)\s+\S+\s+GET (\S+)\s+->\s+\S+\s+WRONG \(value of (\S+)\)/gm)) wrong.set(Number(m[1]), m[3]);
  return wrong;
}

/** The wire's account: for each GET (numbered from 1 in the order sent), the key of the answer it took, where it took another's. */
async function wireWrong(file: string): Promise<{ wrong: Map<number, { asked: string; owner: string }>; gets: number }> {
  const t = await openTranscript(file);
  const getNo = new Map<number, number>();
  let gets = 0;
  const p = new Pairing(redis, {
    onMessage: (_c, msg, ref) => {
      if (msg.dir === 'c2s' && /^GET /i.test(msg.decoded.summary)) getNo.set(ref.seq, ++gets);
    },
  });
  for await (const b of t.batches) b.events.forEach((ev, i) => p.push(ev, b.lines[i]));
  p.finish();
  const wrong = new Map<number, { asked: string; owner: string }>();
  for (const f of p.findings)
    if (f.kind === 'mismatch') wrong.set(getNo.get(f.request?.seq ?? -1) ?? -1, { asked: f.request?.key ?? '', owner: f.answers?.key ?? '' });
  return { wrong, gets };
}

describe('verdicts on real clients', { timeout: 300_000 }, () => {
  for (const version of ['4.5.2', '4.5.3']) {
    test(`redis-py ${version} hands a cancelled GET's reply to the next GET: a mismatch, request by request as the client saw it`, async () => {
      const file = join(REDIS_2023, `redis-py-${version}.transcript.jsonl`);
      const client = clientWrong(join(REDIS_2023, `redis-py-${version}.client.txt`));
      const wire = await wireWrong(file);
      assert.ok(client.size > 10, 'the recording holds the bug');
      for (const [n, got] of client) assert.equal(wire.wrong.get(n)?.owner, got, `GET #${n}: the client got ${got}'s value`);
      // the wire sees more only where a GET took the answer of an earlier GET for the same key: the right value, by luck
      for (const [n, w] of wire.wrong) if (!client.has(n)) assert.equal(w.asked, w.owner, `GET #${n}`);
      const a = await analyzeTranscript(file);
      assert.equal(a.verdict, 'mismatch');
      const first = a.findings.find((f) => f.kind === 'mismatch');
      assert.equal(first?.basis, 'inferred');
      assert.match(first?.evidence ?? '', /the answer's bytes carry "user:\d+"/);
      assert.equal((await cli(['analyze', file])).code, 1);
    });
  }

  for (const name of ['redis-py-4.5.4', 'ioredis']) {
    test(`${name} under the same cancels keeps every answer with its request: clean`, async () => {
      const client = readFileSync(join(REDIS_2023, `${name}.client.txt`), 'utf8');
      assert.match(client, /wrong 0/);
      assert.match(client, /cancelled [1-9]/);
      const r = await cli(['analyze', join(REDIS_2023, `${name}.transcript.jsonl`)]);
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /clean: \d+ requests on \d+ connections, every response reached its request/);
    });
  }

  const pipelining: Array<[string, string]> = [
    ['redis', 'redis-benchmark-P16'],
    ['redis', 'redis-cli-pipe-200'],
    ['redis', 'redis-py-pipeline'],
    ['redis', 'client-reply'],
    ['redis', 'redis-cli-pubsub'],
    ['../../../replays/pgbench-pipeline', 'pgbench-pipeline'],
    ['postgres', 'psql-copy'],
    ['postgres', 'psql-notify'],
    ['mysql', 'pymysql-multi'],
    ['mysql', 'mariadb-compress-2'],
    ['mysql', 'mariadb-compress-session'],
  ];
  for (const [sub, name] of pipelining) {
    test(`${name}: a real client that pipelines, subscribes, silences replies, copies, listens or sends many statements at once is clean`, async () => {
      const a = await analyzeTranscript(join(REAL, sub, `${name}.transcript.jsonl`));
      assert.equal(a.verdict, 'clean', a.notJudged.join('; '));
      assert.deepEqual(a.summary.findings, { mismatch: 0, timeout: 0, late: 0, unanswered: 0, orphan: 0 });
      assert.ok(a.summary.requests > 0);
    });
  }

  test('several requests in one write make a pipelined connection (redis-benchmark -P 16); one request per answer a sequential one (mariadb)', async () => {
    const a = await analyzeTranscript(join(REAL, 'redis', 'redis-benchmark-P16.transcript.jsonl'));
    // every benchmark connection pipelines (some asked a first question alone, sequentially, before)
    assert.equal(a.summary.clientModels.pipelined, a.summary.connections);
    const b = await analyzeTranscript(join(REAL, 'mysql', 'mariadb-compress-2.transcript.jsonl'));
    assert.deepEqual(b.summary.clientModels, { sequential: 1, pipelined: 0, instrumented: 0 });
  });

  const unseen: Array<[string, RegExp]> = [
    ['empty', /inconclusive: no mismatch in what could be judged, but no request or response could be decoded$/m],
    ['refused', /no request or response could be decoded; 1 connection refused by the target/],
    ['random', /1 connection in a protocol this tool does not decode \(4096 bytes\)/],
  ];
  for (const [name, words] of unseen) {
    test(`${name}: what could not be seen is inconclusive (exit 3), never clean`, async () => {
      const r = await cli(['analyze', join(REAL, 'edge', `${name}.transcript.jsonl`)]);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout, words);
      const json = JSON.parse((await cli(['analyze', '--json', join(REAL, 'edge', `${name}.transcript.jsonl`)])).stdout);
      assert.equal(json.verdict, 'inconclusive');
      assert.equal(json.clean, false);
    });
  }

  for (const [sub, name] of [
    ['postgres', 'psql-tls'],
    ['mysql', 'mariadb-ssl.keep-auth'],
    ['mysql', 'mariadb-ssl'],
  ]) {
    test(`${name}: after the upgrade to TLS nothing is a request; the encrypted bytes are counted and the verdict is inconclusive`, async () => {
      const a = await analyzeTranscript(join(REAL, sub, `${name}.transcript.jsonl`));
      assert.equal(a.summary.unseen.encryptedConnections, 1);
      assert.ok(a.summary.unseen.encryptedBytes > 1000);
      // PostgreSQL: the SSLRequest and its 'S'; MySQL: the SSL request packet, which expects no answer
      assert.ok(a.summary.requests <= 1, `${a.summary.requests} requests`);
      assert.equal(a.verdict, 'inconclusive');
      assert.match(a.notJudged.join('; '), /1 connection encrypted \(TLS\): \d+ bytes unseen/);
    });
  }

  test('a whole-host capture: each connection decoded in its own protocol (MySQL beside PostgreSQL)', async () => {
    const out = join(dir, 'mixed.transcript.jsonl');
    const r = await importCapture(join(REAL, 'captures', 'mixed.pcap'), { out });
    assert.equal(r.protocol, 'mysql, postgres');
    const a = await analyzeTranscript(out);
    assert.deepEqual(a.summary.protocols, { mysql: 1, postgres: 1 });
    assert.equal(a.summary.undecoded, 0);
    assert.equal(a.verdict, 'clean');
  });

  test('a capture cut short (tcpdump killed mid-write) imports every whole packet and is inconclusive where it was cut', async () => {
    const out = join(dir, 'cut.transcript.jsonl');
    const r = await importCapture(join(REAL, 'captures', 'mariadb-50.cut.pcap'), { out });
    assert.equal(r.packets, 77);
    assert.match(r.cut ?? '', /ends in the middle of a packet \(byte 12402\)/);
    const a = await analyzeTranscript(out);
    assert.equal(a.verdict, 'inconclusive');
    assert.equal(a.summary.findings.mismatch + a.summary.findings.unanswered, 0);
    assert.match(a.notJudged.join('; '), /the capture ends in the middle of a packet/);
  });

  for (const [sub, name] of [
    ['captures', 'mariadb-50'],
    ['captures', 'psql-50'],
    ['redis', 'redis-cli-100'],
  ]) {
    test(`${name}: one server packet removed with editcap is a gap, inconclusive, never a mismatch; outside it every pair holds`, async () => {
      const whole = await importCapture(join(REAL, sub, `${name}.pcap`), { out: join(dir, `${name}.transcript.jsonl`) });
      const cut = await importCapture(join(REAL, sub, `${name}.drop1.pcap`), { out: join(dir, `${name}.drop1.transcript.jsonl`) });
      assert.equal(whole.gaps, 0);
      assert.equal(cut.gaps, 1);
      const full = await analyzeTranscript(join(dir, `${name}.transcript.jsonl`));
      const a = await analyzeTranscript(join(dir, `${name}.drop1.transcript.jsonl`));
      assert.equal(full.verdict, 'clean');
      assert.equal(a.verdict, 'inconclusive');
      assert.deepEqual(a.summary.findings, { mismatch: 0, timeout: 0, late: 0, unanswered: 0, orphan: 0 });
      assert.equal(a.summary.unseen.gaps, 1);
      // the lost answer's request is unknown; everything before and after the gap is paired as in the whole capture
      assert.equal(a.summary.unseen.unknownRequests, 1);
      assert.equal(a.summary.requests, full.summary.requests);
      assert.equal(a.summary.responses, full.summary.responses - 1);
      const r = await cli(['analyze', join(dir, `${name}.drop1.transcript.jsonl`)]);
      assert.equal(r.code, 3);
      assert.match(r.stdout, /1 gap in the capture \(\d+ bytes lost\): 1 request in flight there could not be paired/);
    });
  }
});
