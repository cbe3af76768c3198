// The review sidecar (<name>.review.json): what is written reads back the same; the same notes always give the same
// bytes, one note a line in time order, keys in a fixed order; a bad file is an error naming the file and what is
// wrong with which note (and its line); the vscode:// links of the draft are built and checked in one place.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UserError } from '../../extension/core/errors';
import {
  checkNotesAgainst,
  emptyReview,
  openLink,
  parseOpenLink,
  parseReview,
  readReview,
  reviewPathOf,
  serializeReview,
  withNote,
  writeReview,
  type Review,
  type ReviewNote,
} from '../../extension/core/review';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ir-review-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const CREATED = '2026-11-29T10:00:00.000Z';
function sample(): Review {
  let r = emptyReview('/somewhere/incident.transcript.jsonl');
  r = withNote(r, { on: 'range', event: 400, tUs: 600_000, toUs: 900_000, conn: null, text: 'the tracker slows down here', created: CREATED }).review;
  r = withNote(r, {
    on: 'finding',
    kind: 'mismatch',
    event: 510,
    tUs: 970_759,
    conn: 2,
    text: "first wrong answer:\n#26 got #24's file",
    created: CREATED,
  }).review;
  r = withNote(r, { on: 'event', event: 12, tUs: 19_914, conn: 1, text: 'setup "create_close" with <odd> chars & `ticks`', created: CREATED }).review;
  return r;
}

describe('review sidecar', () => {
  test('is named after the transcript and lives beside it', () => {
    assert.equal(reviewPathOf('/a/b/mogilefs-2008.transcript.jsonl'), '/a/b/mogilefs-2008.review.json');
    assert.equal(reviewPathOf('/a/capture.jsonl'), '/a/capture.review.json');
  });

  test('round trip: what is written reads back equal, and writing it again gives the same bytes', async () => {
    const r = sample();
    const text = serializeReview(r);
    const back = parseReview(text, 'x.review.json');
    assert.deepEqual(back, r);
    assert.equal(serializeReview(back), text);
    const file = join(dir, 'incident.transcript.jsonl');
    await writeReview(file, r);
    assert.equal(await readFile(join(dir, 'incident.review.json'), 'utf8'), text);
    assert.deepEqual(await readReview(file), r);
  });

  test('stable output: versioned header, one note a line, in time order, keys in a fixed order whatever the input order', () => {
    const r = sample();
    const shuffled: Review = {
      transcript: r.transcript,
      notes: [...r.notes].reverse().map((n) => Object.fromEntries(Object.entries(n).reverse()) as unknown as ReviewNote),
    };
    const text = serializeReview(r);
    assert.equal(serializeReview(shuffled), text);
    const lines = text.split('\n');
    assert.equal(lines[1], '  "format": "incident-replay/review",');
    assert.equal(lines[2], '  "version": 1,');
    const noteLines = lines.filter((l) => l.startsWith('    {'));
    assert.equal(noteLines.length, 3);
    assert.deepEqual(
      noteLines.map((l) => (JSON.parse(l.replace(/,$/, '')) as ReviewNote).tUs),
      [19_914, 600_000, 970_759],
    );
    for (const l of noteLines)
      assert.deepEqual(
        Object.keys(JSON.parse(l.replace(/,$/, '')) as object).filter((k) => k !== 'kind' && k !== 'toUs'),
        ['id', 'on', 'event', 'tUs', 'conn', 'text', 'created'],
      );
    assert.equal(serializeReview(emptyReview('t.transcript.jsonl')).includes('"notes": []'), true);
  });

  test('a new note takes the next id, never one in use', () => {
    const r = sample();
    const { note } = withNote({ ...r, notes: r.notes.filter((n) => n.id !== 2) }, { on: 'event', event: 1, tUs: 1, conn: 1, text: 'x', created: CREATED });
    assert.equal(note.id, 4);
  });

  test('a missing review is an empty one; an unreadable one names its file', async () => {
    const none = await readReview(join(dir, 'nothing-here.transcript.jsonl'));
    assert.deepEqual(none.notes, []);
    const file = join(dir, 'broken.transcript.jsonl');
    await writeFile(reviewPathOf(file), '{"format": "incident-replay/review",\n "version": 1,\n "notes": [ }');
    await assert.rejects(
      readReview(file),
      (e: Error) => e instanceof UserError && e.message.startsWith(`${reviewPathOf(file)}: not JSON`) && /line 3/.test(e.message),
    );
  });

  const bad = (text: string) => {
    try {
      parseReview(text, 'inc.review.json');
    } catch (e) {
      assert.ok(e instanceof UserError, String(e));
      return e.message;
    }
    assert.fail('parsed a bad review');
  };
  // the note with id 1 (notes[1], line 7 of the file) replaced by another text
  const withNoteText = (note: string) => serializeReview(sample()).replace(/^    \{"id":1,.*?(,?)$/m, (_, comma: string) => `    ${note}${comma}`);

  test('validation: each error names the file, the note and its line, and what is wrong', () => {
    assert.match(bad('[]'), /^inc\.review\.json: not a review file/);
    assert.match(bad('{"format":"other","version":1,"transcript":"t","notes":[]}'), /^inc\.review\.json: not a review file: "format" is "other"/);
    assert.match(
      bad('{"format":"incident-replay/review","version":7,"transcript":"t","notes":[]}'),
      /version 7 is newer than this Incident Replay reads \(1\)/,
    );
    assert.match(bad('{"format":"incident-replay/review","version":1,"transcript":"t","notes":{}}'), /"notes" must be an array/);
    const missingText = bad(withNoteText('{"id":2,"on":"event","event":5,"tUs":10,"conn":1,"created":"2026-11-29T10:00:00Z"}'));
    assert.match(missingText, /^inc\.review\.json: notes\[1\] \(line 7\): "text" must be the note's words/);
    assert.match(
      bad(withNoteText('{"id":2,"on":"event","event":-1,"tUs":10,"conn":1,"text":"x","created":"2026-11-29T10:00:00Z"}')),
      /notes\[1\] \(line 7\): "event" must be an event index/,
    );
    assert.match(
      bad(withNoteText('{"id":2,"on":"event","event":5,"tUs":10,"conn":1,"text":"x","created":"2026-11-29T10:00:00Z","txt":"y"}')),
      /unknown field "txt"/,
    );
    assert.match(
      bad(withNoteText('{"id":3,"on":"event","event":5,"tUs":10,"conn":1,"text":"x","created":"2026-11-29T10:00:00Z"}')),
      /id 3 is used by an earlier note/,
    );
    assert.match(
      bad(withNoteText('{"id":2,"on":"finding","event":5,"tUs":10,"conn":1,"text":"x","created":"2026-11-29T10:00:00Z"}')),
      /a note on a finding needs "kind"/,
    );
    assert.match(
      bad(withNoteText('{"id":2,"on":"range","event":5,"tUs":10,"toUs":5,"conn":null,"text":"x","created":"2026-11-29T10:00:00Z"}')),
      /needs "toUs", its end in µs, not before "tUs"/,
    );
    assert.match(
      bad(withNoteText('{"id":2,"on":"event","event":5,"tUs":10,"conn":null,"text":"x","created":"2026-11-29T10:00:00Z"}')),
      /a note on an event names its connection/,
    );
    assert.match(bad(withNoteText('{"id":2,"on":"event","event":5,"tUs":10,"conn":1,"text":"x","created":"yesterday"}')), /"created" must be an ISO-8601 time/);
  });

  test('checked against the transcript: a note on an event it does not have, or on another connection, says so', () => {
    const model = { events: 600, connOf: (e: number) => (e === 510 ? 2 : 1), tUsOf: (e: number) => (e === 510 ? 970_759 : e === 12 ? 19_914 : 0) };
    checkNotesAgainst(sample(), 'inc.review.json', model);
    assert.throws(
      () => checkNotesAgainst(sample(), 'inc.review.json', { ...model, events: 100 }),
      /inc\.review\.json: notes\[1\] \(note 1\): event 400 is past the transcript's last \(99\)/,
    );
    assert.throws(
      () => checkNotesAgainst(sample(), 'inc.review.json', { ...model, connOf: () => 3 }),
      /inc\.review\.json: notes\[0\] \(note 3\): event 12 is on connection 3, the note says 1/,
    );
  });
});

describe('open links', () => {
  test('a link names the transcript and the event, and reads back', () => {
    const link = openLink('/tmp/a dir/x (1).transcript.jsonl', 510);
    assert.match(link, /^vscode:\/\/incident-replay\.incident-replay\/open\?file=%2Ftmp%2Fa%20dir%2Fx%20%281%29\.transcript\.jsonl&event=510$/);
    const u = new URL(link);
    assert.deepEqual(parseOpenLink(u.pathname, u.search.slice(1)), { file: '/tmp/a dir/x (1).transcript.jsonl', event: 510 });
    const none = new URL(openLink('rel/x.transcript.jsonl', null));
    assert.deepEqual(parseOpenLink(none.pathname, none.search.slice(1)), { file: 'rel/x.transcript.jsonl', event: null });
  });

  test("a stranger's link is refused with a reason", () => {
    assert.match(parseOpenLink('/run', 'file=x.transcript.jsonl') as string, /unknown link path "\/run"/);
    assert.match(parseOpenLink('/open', 'event=3') as string, /names no transcript/);
    assert.match(parseOpenLink('/open', 'file=%2Fetc%2Fpasswd') as string, /is not a transcript/);
    assert.match(parseOpenLink('/open', 'file=x.transcript.jsonl&event=-1') as string, /event "-1" is not an event number/);
    assert.match(parseOpenLink('/open', 'file=x.transcript.jsonl&event=1e3') as string, /is not an event number/);
    assert.match(parseOpenLink('/open', 'file=x.transcript.jsonl&event=1&event=2') as string, /more than one event/);
    assert.match(parseOpenLink('/open', 'file=x.transcript.jsonl&command=rm') as string, /unknown parameter "command"/);
  });
});
