import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Redis from 'ioredis';
import { analyzeTranscript } from '../../extension/core/pairing';
import { startRecorder } from '../../extension/core/record';
import { bytesOf, readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
const REDIS = { host: '127.0.0.1', port: 6379 };
const SECRET = 'hunter2-not-for-transcripts';

async function recordAuth(keepAuth: boolean): Promise<string> {
  const out = join(dir, `redis-${keepAuth ? 'keep' : 'masked'}.transcript.jsonl`);
  const rec = await startRecorder({ listen: '127.0.0.1:0', target: `${REDIS.host}:${REDIS.port}`, out, protocol: 'redis', keepAuth });
  const client = new Redis({ host: '127.0.0.1', port: rec.address.port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await rec.close();
    throw new Error(`Redis at 127.0.0.1:6379 is needed (start it: redis-server --daemonize yes --port 6379): ${(err as Error).message}`);
  }
  // the local Redis has no password: AUTH fails, but its bytes carry the secret all the same
  await client.call('AUTH', SECRET).catch(() => {});
  await client.set('ir:redact', 'v');
  assert.equal(await client.get('ir:redact'), 'v');
  client.disconnect();
  await new Promise((r) => setTimeout(r, 50));
  await rec.close();
  return out;
}

describe('recording redacts authentication', () => {
  test('a Redis AUTH password never reaches the transcript, and the transcript still pairs', async () => {
    const file = await recordAuth(false);
    assert.equal(readFileSync(file, 'utf8').includes(SECRET), false, 'the secret is in the transcript');
    const events = await readAll(file);
    const up = bytesOf(events, 1, 'c2s').toString('latin1');
    assert.match(up, /AUTH\r\n\$27\r\n\*{27}\r\n/, 'the AUTH argument is masked with its length kept');
    const a = await analyzeTranscript(file);
    assert.equal(a.summary.findings.mismatch, 0);
    assert.equal(a.summary.findings.unanswered, 0);
    assert.ok(a.summary.requests >= 3);
  });

  test('--keep-auth keeps it', async () => {
    const file = await recordAuth(true);
    assert.equal(readFileSync(file, 'utf8').includes(SECRET), true);
  });
});
