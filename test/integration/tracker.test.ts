import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BuggyTrackerClient, SafeTrackerClient } from '../../extension/core/tracker/client';
import { startTracker, type Tracker } from '../../extension/core/tracker/server';
import { parseSlowSpec } from '../../extension/core/tracker/slow-spec';
import { fidOfPath } from '../../extension/core/tracker/store';
import { connectTo } from '../helpers/net';

async function talk(port: number, chunks: (string | Buffer)[], lines: number): Promise<string[]> {
  const s = await connectTo(port);
  let buf = '';
  const done = new Promise<string[]>((resolve) => {
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      const got = buf.split('\r\n').slice(0, -1);
      if (got.length >= lines) resolve(got);
    });
  });
  for (const c of chunks) {
    s.write(c);
    await new Promise((r) => setImmediate(r));
  }
  const out = await done;
  s.destroy();
  return out;
}

describe('the embedded tracker', () => {
  let tracker: Tracker;
  before(async () => {
    tracker = await startTracker();
  });
  after(() => tracker.close());

  test('speaks every command of the protocol', async () => {
    const lines = await talk(
      tracker.address.port,
      [
        'create_domain domain=mail\r\n',
        'create_domain domain=mail\r\n',
        'create_open domain=mail&key=a&class=default\r\n',
        'create_close domain=mail&key=a&fid=1&devid=1&size=5&path=x\r\n',
        'get_paths domain=mail&key=a\r\n',
        'rename domain=mail&from_key=a&to_key=b\r\n',
        'list_keys domain=mail&prefix=&limit=10\r\n',
        'get_domains\r\n',
        'delete domain=mail&key=b\r\n',
        'get_paths domain=mail&key=b\r\n',
        'noop\r\n',
        'frobnicate\r\n',
        '!version\r\n',
      ],
      14,
    );
    assert.equal(lines[0], 'OK domain=mail');
    assert.match(lines[1], /^ERR domain_exists /);
    assert.match(lines[2], /^OK fid=1&devid=1&path=/);
    assert.equal(lines[3], 'OK ');
    assert.match(lines[4], /^OK paths=2&path1=.*0000000001\.fid&path2=/);
    assert.equal(lines[5], 'OK ');
    assert.equal(lines[6], 'OK key_count=1&next_after=b&key_1=b');
    assert.match(lines[7], /^OK domains=1&domain1=mail/);
    assert.equal(lines[8], 'OK ');
    assert.equal(lines[9], 'ERR unknown_key unknown_key');
    assert.equal(lines[10], 'OK ');
    assert.match(lines[11], /^ERR unknown_command /);
    assert.deepEqual(lines.slice(12, 14), ['incident-replay-tracker 0.1.0', '.']);
  });

  test('a request split at every byte, in upper case, with \\n and arguments in any order, gets its answer', async () => {
    await talk(tracker.address.port, ['create_domain domain=split\n'], 1);
    const req = Buffer.from('CREATE_OPEN key=k1&domain=split\n');
    const lines = await talk(
      tracker.address.port,
      [...req].map((b) => Buffer.from([b])),
      1,
    );
    assert.match(lines[0], /^OK fid=\d+&devid=1&path=/);
  });
});

describe('the tracker clients against a slow metadata store', () => {
  let tracker: Tracker;
  const fids = new Map<string, number>();
  before(async () => {
    tracker = await startTracker();
    const setup = new SafeTrackerClient(tracker.address, { timeoutMs: 2000, name: 'setup-' });
    await setup.request('create_domain', { domain: 'd' });
    for (const key of ['A', 'B', 'C']) fids.set(key, (await setup.storeKey('d', key, 1)) as number);
    setup.close();
  });
  after(() => tracker.close());

  test('the buggy client abandons a timed-out request, keeps the connection, and takes its answer for the next key', async () => {
    const client = new BuggyTrackerClient(tracker.address, { timeoutMs: 80, name: 'b' });
    tracker.setSlow(parseSlowSpec('300ms'));
    const a = await client.getPaths('d', 'A');
    assert.equal(a.kind, 'timeout');
    tracker.setSlow(null);
    await new Promise((r) => setTimeout(r, 350)); // A's answer arrives and waits in the receive buffer
    const b = await client.getPaths('d', 'B');
    assert.equal(b.kind, 'ok');
    assert.equal(fidOfPath(b.kind === 'ok' ? b.args.path1 : ''), fids.get('A'), "B was answered with A's file");
    assert.equal(client.ports.length, 1, 'one connection throughout');
    client.close();
  });

  test('the safe client closes on timeout and the next request gets its own answer', async () => {
    const client = new SafeTrackerClient(tracker.address, { timeoutMs: 80, name: 's' });
    for (const [k, f] of fids) client.knownFids.set(k, f);
    tracker.setSlow(parseSlowSpec('300ms'));
    const a = await client.getPaths('d', 'A');
    assert.equal(a.kind, 'timeout');
    tracker.setSlow(null);
    await new Promise((r) => setTimeout(r, 350));
    const b = await client.getPaths('d', 'B');
    assert.equal(b.kind, 'ok');
    assert.equal(fidOfPath(b.kind === 'ok' ? b.args.path1 : ''), fids.get('B'));
    assert.equal(client.ports.length, 2, 'a new connection after the timeout');
    client.close();
  });
});
