// Review notes: what a reviewer wrote on an event, a finding or a time range of a transcript, kept beside it in
// `<name>.review.json`. The file is committed with the incident, so it is written to diff well:
// fixed key order, one note a line, notes in time order. It is validated once where it is read; every error names
// the file and what is wrong with which note.
import { readFile, writeFile, rename } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../errors';
import { FINDING_KINDS, type TimelineFindingKind } from '../timeline/model';

export const REVIEW_FORMAT = 'incident-replay/review';
export const REVIEW_VERSION = 1;

export type NoteTarget = 'event' | 'finding' | 'range';
const TARGETS: readonly NoteTarget[] = ['event', 'finding', 'range'];

export interface ReviewNote {
  /** 1-based, never reused within a file: what the draft and the timeline call the note */
  id: number;
  on: NoteTarget;
  /** the timeline event the note opens at (for a range: its first event) */
  event: number;
  /** for a note on a finding: its kind */
  kind?: TimelineFindingKind;
  /** µs since the transcript's start: the event's time, or the range's start */
  tUs: number;
  /** for a range: its end, µs */
  toUs?: number;
  /** the connection; null for a range over every connection */
  conn: number | null;
  text: string;
  /** ISO-8601, when the note was written */
  created: string;
}

export interface Review {
  /** the transcript's file name (no directory: the pair moves together) */
  transcript: string;
  notes: ReviewNote[];
}

/** the fields of a note in the order they are written */
const NOTE_KEYS = ['id', 'on', 'event', 'kind', 'tUs', 'toUs', 'conn', 'text', 'created'] as const;
const MAX_TEXT_CHARS = 20_000;

/** `x.transcript.jsonl` → `x.review.json`, beside it. */
export function reviewPathOf(transcript: string): string {
  return transcript.replace(/(\.transcript)?\.jsonl$/, '') + '.review.json';
}

export function emptyReview(transcript: string): Review {
  return { transcript: basename(transcript), notes: [] };
}

/** The file's text: the same notes always give the same bytes. */
export function serializeReview(r: Review): string {
  const notes = sortNotes(r.notes).map((n) => {
    const o: Record<string, unknown> = {};
    for (const k of NOTE_KEYS) if (n[k] !== undefined) o[k] = n[k];
    return `    ${JSON.stringify(o)}`;
  });
  const head = [`  "format": ${JSON.stringify(REVIEW_FORMAT)}`, `  "version": ${REVIEW_VERSION}`, `  "transcript": ${JSON.stringify(r.transcript)}`];
  const body = notes.length === 0 ? '  "notes": []' : `  "notes": [\n${notes.join(',\n')}\n  ]`;
  return `{\n${[...head, body].join(',\n')}\n}\n`;
}

export function sortNotes(notes: readonly ReviewNote[]): ReviewNote[] {
  return [...notes].sort((a, b) => a.tUs - b.tUs || a.id - b.id);
}

/** Parses and validates a review file's text; `file` names it in the errors. */
export function parseReview(text: string, file: string): Review {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not JSON (${jsonWhere(text, (err as Error).message)})`);
  }
  const bad = (what: string) => new UserError(`${file}: ${what}`);
  if (!isObj(v)) throw bad('not a review file: expected a JSON object');
  if (v.format !== REVIEW_FORMAT) throw bad(`not a review file: "format" is ${JSON.stringify(v.format)}, expected "${REVIEW_FORMAT}"`);
  if (v.version !== REVIEW_VERSION) {
    throw bad(
      isInt(v.version) && v.version > REVIEW_VERSION
        ? `version ${v.version} is newer than this Incident Replay reads (${REVIEW_VERSION}): update it`
        : `"version" is ${JSON.stringify(v.version)}, expected ${REVIEW_VERSION}`,
    );
  }
  if (typeof v.transcript !== 'string' || v.transcript === '') throw bad('"transcript" must name the transcript file');
  if (!Array.isArray(v.notes)) throw bad('"notes" must be an array');
  const notes = v.notes.map((n, i) => parseNote(n, (what) => bad(`notes[${i}]${noteLine(text, i)}: ${what}`)));
  const seen = new Set<number>();
  notes.forEach((n, i) => {
    if (seen.has(n.id)) throw bad(`notes[${i}]${noteLine(text, i)}: id ${n.id} is used by an earlier note`);
    seen.add(n.id);
  });
  return { transcript: v.transcript, notes };
}

function parseNote(v: unknown, bad: (what: string) => UserError): ReviewNote {
  if (!isObj(v)) throw bad('expected an object');
  for (const k of Object.keys(v)) if (!(NOTE_KEYS as readonly string[]).includes(k)) throw bad(`unknown field "${k}" (a note has ${NOTE_KEYS.join(', ')})`);
  const { id, on, event, kind, tUs, toUs, conn, text, created } = v;
  if (!isInt(id) || id < 1) throw bad(`"id" must be a whole number from 1, not ${JSON.stringify(id)}`);
  if (typeof on !== 'string' || !(TARGETS as readonly string[]).includes(on)) throw bad(`"on" must be one of ${TARGETS.join(', ')}, not ${JSON.stringify(on)}`);
  if (!isInt(event) || event < 0) throw bad(`"event" must be an event index (a whole number from 0), not ${JSON.stringify(event)}`);
  if (!isNum(tUs) || tUs < 0) throw bad(`"tUs" must be a time in µs (0 or more), not ${JSON.stringify(tUs)}`);
  if (conn !== null && (!isInt(conn) || conn < 0)) throw bad(`"conn" must be a connection number or null, not ${JSON.stringify(conn)}`);
  if (typeof text !== 'string' || text.trim() === '') throw bad('"text" must be the note\'s words (a non-empty string)');
  if (text.length > MAX_TEXT_CHARS) throw bad(`"text" is ${text.length} characters, more than ${MAX_TEXT_CHARS}`);
  if (typeof created !== 'string' || Number.isNaN(Date.parse(created))) throw bad(`"created" must be an ISO-8601 time, not ${JSON.stringify(created)}`);
  const note: ReviewNote = { id, on: on as NoteTarget, event, tUs, conn: conn as number | null, text, created };
  if (on === 'finding') {
    if (typeof kind !== 'string' || !(FINDING_KINDS as readonly string[]).includes(kind))
      throw bad(`a note on a finding needs "kind", one of ${FINDING_KINDS.join(', ')}`);
    note.kind = kind as TimelineFindingKind;
  } else if (kind !== undefined) throw bad(`"kind" belongs to notes on a finding, not on ${on === 'event' ? 'an event' : 'a range'}`);
  if (on === 'range') {
    if (!isNum(toUs) || toUs < tUs) throw bad(`a note on a range needs "toUs", its end in µs, not before "tUs" (${tUs})`);
    note.toUs = toUs;
  } else if (toUs !== undefined) throw bad('"toUs" belongs to notes on a range');
  if (on !== 'range' && conn === null) throw bad(`a note on ${on === 'event' ? 'an event' : 'a finding'} names its connection ("conn")`);
  return note;
}

/** What a transcript's timeline says of an event: checked against the notes that point at it. */
export interface EventAt {
  events: number;
  connOf(event: number): number;
  tUsOf(event: number): number;
}

/**
 * Checks the notes against the transcript they are about: each event exists and is on the note's connection, at the
 * note's time. A mismatch means the transcript changed since the note was written; the error says which note.
 */
export function checkNotesAgainst(r: Review, file: string, at: EventAt): void {
  r.notes.forEach((n, i) => {
    const where = `${file}: notes[${i}] (note ${n.id})`;
    if (n.event >= at.events)
      throw new UserError(`${where}: event ${n.event} is past the transcript's last (${at.events - 1}): the note is about another transcript`);
    if (n.conn !== null && at.connOf(n.event) !== n.conn) {
      throw new UserError(
        `${where}: event ${n.event} is on connection ${at.connOf(n.event)}, the note says ${n.conn}: the transcript changed since the note was written`,
      );
    }
    if (n.on !== 'range' && Math.abs(at.tUsOf(n.event) - n.tUs) > 1) {
      throw new UserError(
        `${where}: event ${n.event} is at ${at.tUsOf(n.event)} µs, the note says ${n.tUs} µs: the transcript changed since the note was written`,
      );
    }
  });
}

/** Reads a transcript's review file; an empty review when there is none yet. */
export async function readReview(transcript: string): Promise<Review> {
  const file = reviewPathOf(transcript);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyReview(transcript);
    throw new UserError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseReview(text, file);
}

/** Writes the review beside its transcript, whole or not at all (a temporary file renamed over it). */
export async function writeReview(transcript: string, r: Review): Promise<string> {
  const file = reviewPathOf(transcript);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, serializeReview(r));
    await rename(tmp, file);
  } catch (err) {
    throw new UserError(`${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return file;
}

/** The review with one more note, numbered after the highest id so far. */
export function withNote(r: Review, note: Omit<ReviewNote, 'id'>): { review: Review; note: ReviewNote } {
  const id = r.notes.reduce((m, n) => Math.max(m, n.id), 0) + 1;
  const added: ReviewNote = { id, ...note };
  return { review: { ...r, notes: sortNotes([...r.notes, added]) }, note: added };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A JSON.parse message with the line of the fault. V8 does not always say where ("Unexpected token '}', …"): the
 * fault is found as the end of the longest start of the text that is still a valid beginning of JSON.
 */
function jsonWhere(text: string, message: string): string {
  const validStart = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch (err) {
      const m = (err as Error).message;
      return /Unexpected end of JSON input/.test(m) || new RegExp(`at position ${s.length}\\b`).test(m);
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (validStart(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  const line = text.slice(0, lo).split('\n').length;
  return `${message.replace(/,? ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '')} at line ${line}`;
}

/** " (line N)" of the i-th note when the file keeps one note a line as written; else nothing. */
function noteLine(text: string, i: number): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*"notes"\s*:\s*\[\s*$/.test(l));
  if (start < 0) return '';
  const line = lines[start + 1 + i];
  return line !== undefined && /^\s*\{.*\}\s*,?\s*$/.test(line) ? ` (line ${start + 2 + i})` : '';
}
