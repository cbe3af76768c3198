// Decoded database messages in the timeline's details pane (headless Chromium, the bundled driver-check
// transcripts): a request shows its statement and bound parameters, a response its rows as a table.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, WebviewHarness } from './harness';

const DRIVER_CHECK = resolve(__dirname, '../../replays/driver-check');

/** Steps the cursor forward (bounded) until the selector is in the details pane; returns the event reached. */
async function stepUntil(h: WebviewHarness, selector: string, maxSteps = 60): Promise<number> {
  for (let i = 0; i < maxSteps; i++) {
    const c = await h.command('stepForward');
    assert.ok(c);
    await h.waitForText('#details-meta', `event ${c.event + 1} at`);
    if ((await h.page.locator(`#details ${selector}`).count()) > 0) return c.event;
  }
  throw new Error(`no event within ${maxSteps} steps showed ${selector}`);
}

describe('database messages in the details pane', { timeout: 120_000 }, () => {
  let h: WebviewHarness;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await WebviewHarness.open(1400, 900);
  });
  after(() => h?.close());

  test('PostgreSQL (pg, extended query): the statement, $1 bound, and the row as a table with its columns', async () => {
    await h.load(join(DRIVER_CHECK, 'pg.transcript.jsonl'));
    await stepUntil(h, '#details-statement');
    assert.match((await h.page.locator('#details-statement').textContent()) ?? '', /^select k, payload from \w+ where k = \$1$/);
    const param = (await h.page.locator('#details-params li').first().textContent()) ?? '';
    assert.match(param, /^\$1 = ir-check:\d+$/);
    const key = param.slice('$1 = '.length);
    await stepUntil(h, '.details-result');
    assert.deepEqual(await h.page.locator('.details-result thead th').allTextContents(), ['k', 'payload']);
    const cells = await h.page.locator('.details-result tbody tr').first().locator('td').allTextContents();
    assert.match(cells[0], /^ir-check:\d+$/);
    assert.ok(cells[1].startsWith(`${cells[0]}|`), 'the payload embeds its own key');
    assert.equal(await h.page.locator('.details-result caption').textContent(), '1 row');
    // the raw rows are not repeated in the flat field table
    assert.equal(await h.page.locator('#details-args th', { hasText: /^rows$/ }).count(), 0);
    assert.ok(key.length > 0);
    await h.screenshot('details-pg-rows');
    assert.deepEqual(h.pageErrors, []);
  });

  test('MariaDB (mysql2, text protocol): the SQL, and the result set as a table', async () => {
    await h.load(join(DRIVER_CHECK, 'mysql2.transcript.jsonl'));
    await stepUntil(h, '#details-statement');
    assert.match((await h.page.locator('#details-statement').textContent()) ?? '', /^select k, payload from \w+ where k = 'ir-check:\d+'$/);
    await stepUntil(h, '.details-result');
    assert.deepEqual(await h.page.locator('.details-result thead th').allTextContents(), ['k', 'payload']);
    const cells = await h.page.locator('.details-result tbody tr').first().locator('td').allTextContents();
    assert.ok(cells[1].startsWith(`${cells[0]}|`));
    assert.match((await h.page.locator('#details-args').textContent()) ?? '', /RESULTSET/);
    await h.screenshot('details-mysql-rows');
  });
});
