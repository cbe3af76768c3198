import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCheck, verdictWords, type CheckVerdict, type ClientName } from '../../extension/core/check';
import { reproduceMogilefs2008 } from '../../extension/core/tracker/reproduce';
import { analyzeTranscript } from '../../extension/core/pairing';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { cancelledCheck } from '../helpers/cancelled-check';

const dir = tempDir();
const URLS: Record<string, string> = {
  mysql: 'mysql://root@127.0.0.1:3306/test',
  postgres: 'postgres://postgres@127.0.0.1:5432/test',
  redis: 'redis://127.0.0.1:6379',
};
const START: Record<string, string> = {
  mysql: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  redis: 'redis-server --daemonize yes --port 6379',
};

async function check(client: ClientName, url?: string, latency = 'latency:150ms@10%'): Promise<CheckVerdict> {
  const kind = url ? new URL(url).protocol.replace(/:$/, '').replace('postgresql', 'postgres') : 'tracker';
  try {
    return await runCheck({
      url,
      client,
      latency,
      timeoutMs: 50,
      requests: 120,
      concurrency: 3,
      rows: 200,
      seed: 7,
      out: join(dir, `${client}.transcript.jsonl`),
    });
  } catch (err) {
    if (kind in START && /refused|not found|timed out/i.test((err as Error).message)) {
      throw new Error(`${kind} is needed at ${URLS[kind]}; start it with: ${START[kind]} (${(err as Error).message})`);
    }
    throw err;
  }
}

function accounted(v: CheckVerdict): void {
  const errors = Object.values(v.errors).reduce((a, b) => a + b, 0);
  assert.equal(v.verified + v.timeouts + v.missing + errors + v.mismatches.length, v.requests, 'every request is accounted for');
  assert.equal(v.requests, 120);
  assert.ok(v.timeouts > 0, `the injected latency made the ${v.client} client time out (timeouts: ${v.timeouts})`);
}

describe('the mismatch check', () => {
  test("the buggy tracker client takes other keys' answers and the safe one never does, in the same run", async () => {
    const [buggy, safe] = await Promise.all([check('tracker-buggy'), check('tracker-safe')]);
    accounted(buggy);
    accounted(safe);
    assert.ok(buggy.mismatches.length > 0, 'the buggy client took answers meant for other keys');
    assert.ok(
      buggy.mismatches.every((m) => m.asked !== m.got && m.conn !== null),
      'each mismatch names its transcript connection',
    );
    assert.equal(safe.mismatches.length, 0);
    // the transcript, analysed alone, finds exactly what the clients took
    assert.equal(buggy.wire.mismatches - buggy.wire.sameKeyMismatches, buggy.mismatches.length);
    assert.equal(safe.wire.mismatches, 0);
    assert.ok(buggy.agrees && safe.agrees);
    // request by request: the same (asked, got) pairs, from the client's checks and from the wire alone
    const wire = await analyzeTranscript(buggy.transcript);
    const fromWire = wire.findings
      .filter((f) => f.kind === 'mismatch' && f.request?.key !== f.answers?.key)
      .map((f) => `${f.request?.key}<-${f.answers?.key}`)
      .sort();
    assert.deepEqual(fromWire, buggy.mismatches.map((m) => `${m.asked}<-${m.got}`).sort());
  });

  test("a Redis client that keeps the connection after a cancel (redis-py 4.5.2) takes other keys' answers, and the wire finds them without its help", async () => {
    // A fixed latency puts every late answer and every give-up on the same grid (a request's time plus whole latencies
    // and whole timeouts), so that on a connection delayed twice a late answer reaches the client at the instant its
    // timer fires, and which came first is a coin toss neither the client nor the wire can call. Jitter (seeded) takes
    // them off the grid, as real latency does.
    const v = await check('redis-keep-on-cancel', URLS.redis, 'latency:150ms@10%,jitter=40ms');
    accounted(v);
    assert.ok(v.timeouts > 0, 'some GETs were cancelled');
    assert.ok(v.mismatches.length > 0, "the next GET took the cancelled one's value");
    assert.equal(v.verdict, 'mismatch');
    // the client says nothing of itself: the wire's inferred view finds the client's mismatches, request by request
    const wire = await analyzeTranscript(v.transcript);
    // on the wire a key is the Redis key, the check's key under the table's prefix
    const fromWire = wire.findings.filter((f) => f.kind === 'mismatch').map((f) => [f.request?.key ?? '', f.answers?.key ?? '']);
    const missed = v.mismatches.filter((m) => !fromWire.some(([asked, got]) => asked.endsWith(`:${m.asked}`) && got.endsWith(`:${m.got}`)));
    // a take the connection's end cuts short stays suspected, not found (client-view.ts, WAITED_AT_END); a late answer
    // within a scheduling delay of the client's timer can still go either way: the count holds, and the pairs match
    // but for a few (the replays of the real redis-py match all)
    assert.ok(
      Math.abs(fromWire.length - v.mismatches.length) <= Math.ceil(v.mismatches.length * 0.1),
      `${fromWire.length} on the wire, ${v.mismatches.length} taken`,
    );
    assert.ok(missed.length <= v.mismatches.length * 0.1, `${missed.length} of ${v.mismatches.length} pairs differ`);
    assert.ok(wire.findings.every((f) => f.kind !== 'mismatch' || f.basis === 'inferred'));
  });

  for (const [client, kind] of [
    ['mysql2', 'mysql'],
    ['mysql2-pool', 'mysql'],
    ['pg', 'postgres'],
    ['pg-pool', 'postgres'],
    ['ioredis', 'redis'],
  ] as const) {
    test(`${client} against the local ${kind}: every answer is its own key's, and the transcript pairs fully`, async () => {
      const v = await check(client, URLS[kind]);
      accounted(v);
      assert.deepEqual(v.mismatches, []);
      // request by request: on the wire, each answer the client verified is a response carrying its own request's key
      assert.ok(v.wire.keyedPairs >= v.verified, `${v.wire.keyedPairs} keyed pairs on the wire for ${v.verified} verified answers`);
      assert.ok(v.wire.keyedPairs <= v.requests);
      assert.equal(v.wire.keyedDiffer, 0);
      assert.match(v.version, new RegExp(`^${client.replace('-pool', '')} \\d+\\.\\d+\\.\\d+`));
      const a = await analyzeTranscript(v.transcript);
      assert.equal(a.summary.findings.mismatch, 0);
      assert.equal(a.summary.findings.unanswered, 0, 'every request on the wire has its response');
      assert.equal(a.summary.findings.orphan, 0);
      assert.ok(a.summary.requests >= v.verified, `the wire shows the requests (${a.summary.requests} for ${v.verified} verified)`);
      assert.equal(a.summary.undecoded, 0, 'every message decodes');
    });
  }

  test('mongodb: runs against a real server when MONGODB_URL is set', async (t) => {
    const url = process.env.MONGODB_URL;
    if (!url) {
      t.skip('MONGODB_URL is not set: no MongoDB server can be installed on these machines (see docs/protocols/mongodb.md, "Testing without a server")');
      return;
    }
    const v = await check('mongodb', url);
    accounted(v);
    assert.deepEqual(v.mismatches, []);
  });

  test('the CLI: --json prints one object for other tools, exit 1 on a mismatch, a refused connection is one line', async () => {
    const out = join(dir, 'cli-buggy.transcript.jsonl');
    const r = await cli([
      'check',
      '--client',
      'tracker-buggy',
      '--latency',
      '150ms@20%',
      '--timeout',
      '50ms',
      '--requests',
      '60',
      '--rows',
      '50',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    for (const k of ['client', 'version', 'requests', 'verified', 'timeouts', 'errors', 'mismatches', 'transcript']) assert.ok(k in doc, `--json has ${k}`);
    assert.ok(doc.mismatches.length > 0);
    assert.deepEqual(Object.keys(doc.mismatches[0]).sort(), ['asked', 'conn', 'got', 't', 'worker']);
    const refused = await cli(['check', 'mysql://root@127.0.0.1:1/test', '--client', 'mysql2', '--requests', '5']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr.trim(), /^incident-replay check: 127\.0\.0\.1:1: connection refused/);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
  });
});

describe('a cancelled run says so', () => {
  test('a check cancelled part way is never clean: its verdict says "cancelled after N of M requests" and records it', async () => {
    const v = await cancelledCheck(join(dir, 'cancelled.transcript.jsonl'));
    assert.equal(v.mismatches.length, 0);
    assert.ok(v.cancelled && v.cancelled.of === 2000 && v.cancelled.after >= 100 && v.cancelled.after < 2000, JSON.stringify(v.cancelled));
    assert.equal(v.cancelled.after, v.requests);
    assert.equal(v.verdict, 'inconclusive', 'the safe client took no wrong answer in what ran, but most of the check never ran');
    assert.match(verdictWords(v), new RegExp(`^cancelled after ${v.requests} of 2000 requests; inconclusive: .*the check was cancelled`));
    assert.doesNotMatch(verdictWords(v), /clean/);
  });

  test('a reproduction cancelled part way says how far it got', async () => {
    const abort = new AbortController();
    const r = await reproduceMogilefs2008({
      out: join(dir, 'repro-cancelled.transcript.jsonl'),
      requests: 400,
      signal: abort.signal,
      onProgress: (m) => /^stored/.test(m) && setTimeout(() => abort.abort(), 300),
    });
    assert.ok(r.cancelled && r.cancelled.of === 400 && r.cancelled.after < 400, JSON.stringify(r.cancelled));
    const full = await reproduceMogilefs2008({ out: join(dir, 'repro-full.transcript.jsonl'), requests: 30 });
    assert.equal(full.cancelled, null);
  });
});
