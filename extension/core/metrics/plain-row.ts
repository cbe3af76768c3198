// The fast path for a plain CSV metrics row: read once from its bytes with the columns resolved once from the
// header, numbers parsed in place, a column's unit looked up once. A line it is not sure of (a quote, a sign, an
// exponent, a space, an empty required cell, anything wrong) it declines, and the reader hands it to the general
// path (csv.ts, row.ts), which reads it or names what is wrong; it must never read a line differently from that
// path (test/unit/metrics-plain-row.test.ts holds the two side by side).
import type { Note, Sample } from './format';
import type { RowContext } from './row';
import { parseTime } from './time';
import { unitNamed, type UnitStyle } from './units';

// What a column is to this reader; columns the format does not know are skipped.
const SKIP = 0;
const TIME = 1;
const SHARD = 2;
const SIZE = 3;
const COUNT = 4;
const WHOLE_COUNT = 5;
const NOTE = 6;

// Where each numeric column's value goes while a row is read; the sizes first, in the order row.ts reads them, so
// that the first size with a unit sets the file's unit style as it does there.
const SLOTS = ['data_bytes', 'ram_bytes', 'index_bytes', 'storage_bytes', 'resident_bytes', 'avg_doc_bytes', 'page_faults_per_s', 'chunks', 'docs'] as const;
const SIZE_SLOTS = 6;
const DATA = 0;
const RAM = 1;
const KIND_OF: Record<(typeof SLOTS)[number], number> = {
  data_bytes: SIZE,
  ram_bytes: SIZE,
  index_bytes: SIZE,
  storage_bytes: SIZE,
  resident_bytes: SIZE,
  avg_doc_bytes: SIZE,
  page_faults_per_s: COUNT,
  chunks: WHOLE_COUNT,
  docs: WHOLE_COUNT,
};

// A number with more digits than this may not be held exactly while it is read digit by digit (2⁵³ has 16).
const MAX_DIGITS = 15;
const POW10 = Array.from({ length: MAX_DIGITS + 1 }, (_, i) => 10 ** i);
const COMMA = 44;
const QUOTE = 34;
const DOT = 46;

interface ShardName {
  bytes: Buffer;
  name: string;
  /** another name with the same hash */
  next: ShardName | null;
}

const given = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

export class PlainRows {
  /** the note on the row last read, or null */
  note: Note | null = null;
  private readonly kinds: Uint8Array;
  /** per column: its slot in `values` (numeric columns only) */
  private readonly slots: Int8Array;
  /** the row being read: a value per slot, NaN when its cell is empty or the file lacks the column */
  private readonly values = new Float64Array(SLOTS.length).fill(NaN);
  private readonly styles: UnitStyle[] = SLOTS.map(() => 'bytes');
  // Per column, the last unit read (its letters packed into a number) and what it is: a column is written in one
  // unit, so `64GiB` costs reading `64` and comparing three letters, not a regular expression.
  private readonly unitCodes: Int32Array;
  private readonly unitFactors: Float64Array;
  private readonly unitStyles: UnitStyle[];
  // The last time that was not epoch seconds, as bytes, and its value: the shards of one moment share a time, so
  // an ISO time is parsed once per moment rather than once per row.
  private readonly timeBytes = new Uint8Array(64);
  private timeLength = -1;
  private timeValue = NaN;
  // Shard names by a hash of their bytes: each row's shard is the one string made the first time, which also
  // keeps the Map lookups on it downstream cheap.
  private readonly shards = new Map<number, ShardName>();
  /** where the last number read ended */
  private at = 0;

  /** `header`: known column name → its index in a row of `width` fields. */
  constructor(
    header: Map<string, number>,
    private readonly width: number,
  ) {
    this.kinds = new Uint8Array(width).fill(SKIP);
    this.slots = new Int8Array(width).fill(-1);
    this.unitCodes = new Int32Array(width).fill(-1);
    this.unitFactors = new Float64Array(width);
    this.unitStyles = new Array<UnitStyle>(width).fill('bytes');
    for (const [name, i] of header) {
      const slot = (SLOTS as readonly string[]).indexOf(name);
      if (slot >= 0) {
        this.kinds[i] = KIND_OF[SLOTS[slot]];
        this.slots[i] = slot;
      } else if (name === 'time') this.kinds[i] = TIME;
      else if (name === 'shard') this.kinds[i] = SHARD;
      else if (name === 'note') this.kinds[i] = NOTE;
    }
  }

  /** Reads buf[start .. end) as a row with a sample: the Sample (and its note in `note`), or null to decline. */
  read(buf: Buffer, start: number, end: number, line: number, ctx: RowContext): Sample | null {
    const values = this.values;
    const last = this.width - 1;
    let tSec = NaN;
    let shard = '';
    let noteStart = 0;
    let noteEnd = 0;
    let p = start;
    for (let f = 0; f <= last; f++) {
      const s = p;
      switch (this.kinds[f]) {
        case TIME: {
          const v = this.digits(buf, p, end);
          // epoch seconds as time.ts takes them: digits, and a fraction with digits on both sides of the point
          if (v >= 0 && this.endsCell(buf, end) && buf[s] !== DOT && buf[this.at - 1] !== DOT) {
            if (v >= 1e11) return null;
            tSec = v;
            p = this.at;
          } else {
            p = this.cellEnd(buf, s, end);
            if (p < 0) return null;
            tSec = this.time(buf, s, p);
            if (Number.isNaN(tSec)) return null;
          }
          break;
        }
        case SHARD: {
          let hash = 0;
          for (; p < end; p++) {
            const b = buf[p];
            if (b === COMMA) break;
            if (b === QUOTE) return null;
            hash = (Math.imul(hash, 31) + b) | 0;
          }
          shard = this.shardName(buf, s, p, hash);
          if (shard === '') return null;
          break;
        }
        case SIZE: {
          const v = this.digits(buf, p, end);
          p = this.at;
          if (v < 0) {
            if (p === s && this.endsCell(buf, end)) {
              values[this.slots[f]] = NaN;
              break;
            }
            return null;
          }
          let code = 0;
          let letters = 0;
          for (; p < end; p++) {
            const b = buf[p] | 0x20;
            if (b < 97 || b > 122) break;
            code = code * 256 + b;
            letters++;
          }
          this.at = p;
          // no unit has more than three letters, and three fit the column's Int32 memo
          if (letters > 3 || !this.endsCell(buf, end)) return null;
          const slot = this.slots[f];
          if (letters === 0) {
            values[slot] = v;
            this.styles[slot] = 'bytes';
            break;
          }
          if (code !== this.unitCodes[f]) {
            const unit = unitNamed(buf.toString('latin1', p - letters, p));
            if (!unit) return null;
            this.unitCodes[f] = code;
            this.unitFactors[f] = unit.factor;
            this.unitStyles[f] = unit.style;
          }
          values[slot] = v * this.unitFactors[f];
          this.styles[slot] = this.unitStyles[f];
          break;
        }
        case COUNT:
        case WHOLE_COUNT: {
          const v = this.digits(buf, p, end);
          p = this.at;
          if (!this.endsCell(buf, end)) return null;
          if (v < 0) {
            if (p !== s) return null;
            values[this.slots[f]] = NaN;
          } else {
            if (this.kinds[f] === WHOLE_COUNT && !Number.isInteger(v)) return null;
            values[this.slots[f]] = v;
          }
          break;
        }
        case NOTE:
          p = this.cellEnd(buf, s, end);
          if (p < 0) return null;
          noteStart = s;
          noteEnd = p;
          break;
        default: // SKIP
          p = this.cellEnd(buf, s, end);
          if (p < 0) return null;
      }
      // each cell stops at a comma or at the end of the line: a comma after the last, or none before it, is a
      // field count the general path names
      if (f < last) {
        if (p === end) return null;
        p++;
      } else if (p !== end) return null;
    }
    const dataBytes = values[DATA];
    const ramBytes = values[RAM];
    if (Number.isNaN(dataBytes) || Number.isNaN(ramBytes) || ramBytes === 0) return null;
    if (ctx.unitStyle === null) {
      for (let k = 0; k < SIZE_SLOTS; k++) {
        if (!Number.isNaN(values[k]) && this.styles[k] !== 'bytes') {
          ctx.unitStyle = this.styles[k];
          break;
        }
      }
    }
    const text = noteEnd > noteStart ? buf.toString('utf8', noteStart, noteEnd).trim() : '';
    this.note = text ? { tSec, shard, text, line } : null;
    // the same fields in the same order as row.ts makes them, so every Sample has one shape
    return {
      tSec,
      shard,
      line,
      dataBytes,
      ramBytes,
      indexBytes: given(values[2]),
      storageBytes: given(values[3]),
      residentBytes: given(values[4]),
      pageFaultsPerS: given(values[6]),
      chunks: given(values[7]),
      docs: given(values[8]),
      avgDocBytes: given(values[5]),
    };
  }

  /**
   * Digits with at most one point, from p: the value, the same double Number() makes of that text (an integer
   * below 2⁵³ divided by an exact power of ten rounds once, as Number() does); -1 when there is no digit or too
   * many. `at` is left where the digits end.
   */
  private digits(buf: Buffer, p: number, end: number): number {
    let m = 0;
    let n = 0;
    let fraction = -1;
    for (; p < end; p++) {
      const b = buf[p];
      if (b >= 48 && b <= 57) {
        m = m * 10 + (b - 48);
        n++;
        if (fraction >= 0) fraction++;
      } else if (b === DOT && fraction < 0) fraction = 0;
      else break;
    }
    this.at = p;
    if (n === 0 || n > MAX_DIGITS) return -1;
    return fraction > 0 ? m / POW10[fraction] : m;
  }

  /** The last number (or unit) read ends its cell. */
  private endsCell(buf: Buffer, end: number): boolean {
    return this.at === end || buf[this.at] === COMMA;
  }

  /** Where the cell from p ends; -1 at a quote (a quoted field is the general path's). */
  private cellEnd(buf: Buffer, p: number, end: number): number {
    for (; p < end; p++) {
      const b = buf[p];
      if (b === COMMA) break;
      if (b === QUOTE) return -1;
    }
    return p;
  }

  /** A time that is not plain epoch seconds, through time.ts; NaN when it is not a time. */
  private time(buf: Buffer, s: number, e: number): number {
    const n = e - s;
    if (n === this.timeLength) {
      let k = 0;
      while (k < n && buf[s + k] === this.timeBytes[k]) k++;
      if (k === n) return this.timeValue;
    }
    const t = parseTime(buf.toString('utf8', s, e));
    if (typeof t === 'string') return NaN;
    if (n <= this.timeBytes.length) {
      this.timeBytes.set(buf.subarray(s, e));
      this.timeLength = n;
      this.timeValue = t;
    }
    return t;
  }

  private shardName(buf: Buffer, s: number, e: number, hash: number): string {
    const first = this.shards.get(hash);
    for (let x: ShardName | null | undefined = first; x; x = x.next) {
      const bytes = x.bytes;
      if (bytes.length !== e - s) continue;
      let k = 0;
      while (k < bytes.length && bytes[k] === buf[s + k]) k++;
      if (k === bytes.length) return x.name;
    }
    const name = buf.toString('utf8', s, e).trim();
    this.shards.set(hash, { bytes: Buffer.from(buf.subarray(s, e)), name, next: first ?? null });
    return name;
  }
}
