// Real HTTP clients recorded through our proxy (test/fixtures/http/, made by make.ts there): curl's keep-alive run
// of URLs, HEAD, an upload with Expect: 100-continue, an HTTP/1.0 request answered up to the close; Node's http
// client on keep-alive Agents. Each recording pairs every request with its answer, clean, with the credentials the
// clients sent and the cookie the server set masked before they reached the file; the timeline shows each message
// decoded. The same sessions are recorded afresh too, so the recorder of today is held to it, not only the files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeTranscript } from '../../extension/core/pairing';
import { buildTimeline } from '../../extension/core/timeline';
import type { DataEvent } from '../../extension/core/transcript';
import { FILES, makeRecordings, SECRETS } from '../fixtures/http/make';
import { readAll } from '../helpers/transcripts';
import { tempDir } from '../helpers/tmp';

const FIXTURES = join(__dirname, '..', 'fixtures', 'http');

/** Every way a secret could show in a transcript: its text, in the file or in the bytes of its data events. */
async function secretsIn(file: string): Promise<string[]> {
  const text = readFileSync(file, 'utf8');
  const bytes = Buffer.concat(
    (await readAll(file))
      .filter((e) => e.k === 'c2s' || e.k === 's2c')
      .map((e) => Buffer.from((e as DataEvent).d as string, (e as DataEvent).e === 'base64' ? 'base64' : 'utf8')),
  );
  return Object.entries(SECRETS)
    .filter(([, s]) => text.includes(s) || bytes.includes(s) || text.includes(Buffer.from(s).toString('base64')))
    .map(([name]) => name);
}

async function checkRecording(file: string, expect: { requests: number; connections: number }): Promise<void> {
  const a = await analyzeTranscript(file);
  assert.equal(a.verdict, 'clean', `${file}: ${a.notJudged.join('; ')}`);
  assert.equal(a.summary.requests, expect.requests);
  assert.equal(a.summary.responses, expect.requests, 'every request answered, every answer paired');
  assert.deepEqual(a.summary.findings, { mismatch: 0, timeout: 0, late: 0, unanswered: 0, orphan: 0 });
  assert.deepEqual(a.summary.protocols, { http: expect.connections }, 'told from the first bytes, on a port that says nothing');
  assert.equal(a.summary.undecoded, 0);
  assert.deepEqual(await secretsIn(file), []);
}

/** The timeline's texts and the details of the events whose text matches. */
async function timeline(file: string) {
  const built = await buildTimeline(file, { onChunk: () => undefined });
  const texts = await built.details.readTexts(Array.from({ length: built.summary.events }, (_, i) => i));
  return { built, texts, details: (re: RegExp) => built.details.read(texts.findIndex((t) => re.test(t))) };
}

describe('real HTTP clients through the recorder', () => {
  test('curl: keep-alive URLs, HEAD, 100 Continue, an answer up to the close: all paired, clean, secrets masked', async () => {
    const file = join(FIXTURES, FILES.curl);
    await checkRecording(file, { requests: 10, connections: 4 });
    const text = readFileSync(file, 'utf8');
    // masked in place, same length: the scheme and the cookie names are still there to read
    assert.ok(text.includes(`Authorization: Bearer ${'*'.repeat(SECRETS.bearer.length)}\\r\\n`));
    assert.ok(text.includes(`Proxy-Authorization: Basic ${'*'.repeat(SECRETS.proxy.length)}\\r\\n`));
    assert.ok(text.includes(`Cookie: sid=${'*'.repeat(SECRETS.cookie.length)}; theme=****\\r\\n`));
    assert.ok(text.includes(`Set-Cookie: sid=${'*'.repeat(SECRETS.setCookie.length)}; Path=/; HttpOnly\\r\\n`));
    const t = await timeline(file);
    try {
      for (const want of [
        'GET /items/1',
        'HEAD /items/3',
        'POST /upload (3000 bytes)',
        '100 Continue',
        '201 Created (17 bytes)',
        '204 No Content',
        '304 Not Modified',
        '200 OK (20 bytes)',
        '200 OK (27 bytes)',
      ]) {
        assert.ok(t.texts.includes(want), `${want} in ${t.texts.join(' | ')}`);
      }
      const chunked = await t.details(/^200 OK \(20 bytes\)$/);
      const fields = Object.fromEntries(chunked?.fields ?? []);
      assert.equal(fields.body, 'part-1 part-2 part-3');
      assert.equal(fields.trailers, 'X-Checksum: c0ffee');
      const get = Object.fromEntries((await t.details(/^GET \/items\/1$/))?.fields ?? []);
      assert.equal(get.target, '/items/1');
      assert.match(get.headers, /^User-Agent: curl\//m);
    } finally {
      await t.built.details.dispose();
    }
  });

  test('Node http.Agent with keep-alive: every request on its socket answered in order, clean, secrets masked', async () => {
    const file = join(FIXTURES, FILES.node);
    await checkRecording(file, { requests: 17, connections: 4 });
    const t = await timeline(file);
    try {
      for (const want of ['GET /items/10', 'GET /chunked', 'POST /upload (3000 bytes)', 'HEAD /items/11', '304 Not Modified', '204 No Content'])
        assert.ok(t.texts.includes(want), want);
    } finally {
      await t.built.details.dispose();
    }
  });

  test('recorded afresh with the same clients, the same holds', async () => {
    const dir = tempDir('ir-http-');
    await makeRecordings(dir);
    await checkRecording(join(dir, FILES.curl), { requests: 10, connections: 4 });
    await checkRecording(join(dir, FILES.node), { requests: 17, connections: 4 });
  });
});
