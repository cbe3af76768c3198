// A chunk of the timeline model as it travels to the webview and lies in the model cache: its numbers laid out so that
// deflate takes most of them away, then deflated (by the host's zlib; the webview inflates with the browser's
// DecompressionStream, so neither side carries a codec of its own). A million events are 22 MB as typed arrays; through
// code-server's socket that is 2-3 s, so the bytes are what a reopen waits for.
//
// The layout (before deflate): a 16-byte head (u8 layout version, u8 the times' form, u8 the pairs' form, u8 0, u32
// count, f64 the first time), then the columns: times, lanes, kinds, pairs, numbers on the connection, flags. Times
// are the steps from one event to the next as u32 when every step is a whole non-negative number of µs below 2^32 (a
// transcript's clock), else the f64 values as they are; a response's pair is how many events back its request is
// when every pair points back, else the i32 values. Multi-byte columns are stored byte plane by byte plane (all low
// bytes, then the next ones: the "shuffle" of HDF5 and Blosc), where the zeros of small numbers line up for deflate.
// No Node and no DOM here: the host and the webview both import it.
import type { TimelineChunk, TimelineFinding } from './model';

export const PACK_LAYOUT = 1;
const HEAD = 16;
const RAW = 0;
const STEPS = 1;

/** A chunk ready to post or keep: what is not numbers as it is, the numbers packed and deflated in `bytes`. */
export interface PackedChunk {
  start: number;
  count: number;
  newLanes: number[];
  findings: TimelineFinding[];
  /** the columns (packColumns), deflated raw (RFC 1951) */
  bytes: Uint8Array;
}

/** The chunk's numbers in the layout above, not yet deflated. */
export function packColumns(c: TimelineChunk): Uint8Array {
  const n = c.count;
  const steps = timeSteps(c.tUs, n);
  const back = pairsBack(c.paired, c.start, n);
  const out = new Uint8Array(packedLength(n, steps !== null));
  const head = new DataView(out.buffer);
  head.setUint8(0, PACK_LAYOUT);
  head.setUint8(1, steps ? STEPS : RAW);
  head.setUint8(2, back ? STEPS : RAW);
  head.setUint32(4, n, true);
  head.setFloat64(8, n > 0 ? c.tUs[0] : 0, true);
  let at = HEAD;
  if (steps) at = planes32(steps, n, out, at);
  else at = planes(new Uint8Array(c.tUs.buffer, c.tUs.byteOffset, n * 8), 8, out, at);
  at = planes32(c.lane, n, out, at);
  out.set(c.kind.subarray(0, n), at);
  at += n;
  at = planes32(back ?? c.paired, n, out, at);
  at = planes32(c.seq, n, out, at);
  out.set(c.flags.subarray(0, n), at);
  return out;
}

/** The chunk back from its inflated columns; throws on bytes that are not this layout. */
export function unpackColumns(p: Omit<PackedChunk, 'bytes'>, bytes: Uint8Array): TimelineChunk {
  if (bytes.length < HEAD) throw new Error('a packed chunk shorter than its head');
  const head = new DataView(bytes.buffer, bytes.byteOffset, HEAD);
  const n = head.getUint32(4, true);
  const timeForm = head.getUint8(1);
  const pairForm = head.getUint8(2);
  if (head.getUint8(0) !== PACK_LAYOUT || n !== p.count) throw new Error(`a packed chunk of layout ${head.getUint8(0)} with ${n} events (expected ${p.count})`);
  const want = packedLength(n, timeForm === STEPS);
  if (bytes.length !== want) throw new Error(`a packed chunk of ${bytes.length} bytes (expected ${want})`);
  let at = HEAD;
  const tUs = new Float64Array(n);
  if (timeForm === STEPS) {
    const steps = new Uint32Array(n);
    at = unplanes32(bytes, at, steps, n);
    let t = head.getFloat64(8, true);
    for (let i = 0; i < n; i++) tUs[i] = t += steps[i];
  } else at = unplanes(bytes, at, new Uint8Array(tUs.buffer), 8);
  const lane = new Uint32Array(n);
  at = unplanes32(bytes, at, lane, n);
  const kind = copy(bytes, at, n);
  at += n;
  const paired = new Int32Array(n);
  at = unplanes32(bytes, at, paired, n);
  if (pairForm === STEPS) for (let i = 0; i < n; i++) paired[i] = paired[i] === 0 ? -1 : p.start + i - paired[i];
  const seq = new Uint32Array(n);
  at = unplanes32(bytes, at, seq, n);
  const flags = copy(bytes, at, n);
  return { start: p.start, count: n, tUs, lane, kind, paired, seq, flags, newLanes: p.newLanes, findings: p.findings };
}

/** The layout's length for n events: the head, the times (u32 steps or f64), lanes, kinds, pairs, numbers, flags. */
function packedLength(n: number, stepped: boolean): number {
  return HEAD + (stepped ? 4 : 8) * n + 4 * n + n + 4 * n + 4 * n + n;
}

/** Each time's step from the one before (the first's from itself), or null when they are not all whole, ≥ 0 and < 2^32. */
function timeSteps(tUs: Float64Array, n: number): Uint32Array | null {
  const steps = new Uint32Array(n);
  let prev = n > 0 ? tUs[0] : 0;
  for (let i = 0; i < n; i++) {
    const d = tUs[i] - prev;
    if (!(d >= 0 && d < 4294967296 && Number.isInteger(d))) return null;
    steps[i] = d;
    prev = tUs[i];
  }
  return steps;
}

/** How far back each pair points (0: none), or null when one points at itself or ahead. */
function pairsBack(paired: Int32Array, start: number, n: number): Int32Array | null {
  const back = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = paired[i];
    if (p < 0) continue;
    if (p >= start + i) return null;
    back[i] = start + i - p;
  }
  return back;
}

/** n bytes from `at`, in an array of their own (a Buffer's slice would be a view on the inflated bytes) */
function copy(bytes: Uint8Array, at: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(bytes.subarray(at, at + n));
  return out;
}

function planes32(a: Uint32Array | Int32Array, n: number, out: Uint8Array, at: number): number {
  for (let i = 0; i < n; i++) {
    const v = a[i];
    out[at + i] = v & 255;
    out[at + n + i] = (v >>> 8) & 255;
    out[at + 2 * n + i] = (v >>> 16) & 255;
    out[at + 3 * n + i] = v >>> 24;
  }
  return at + 4 * n;
}

function unplanes32(bytes: Uint8Array, at: number, a: Uint32Array | Int32Array, n: number): number {
  for (let i = 0; i < n; i++) a[i] = bytes[at + i] | (bytes[at + n + i] << 8) | (bytes[at + 2 * n + i] << 16) | (bytes[at + 3 * n + i] << 24);
  return at + 4 * n;
}

function planes(src: Uint8Array, width: number, out: Uint8Array, at: number): number {
  const n = src.length / width;
  for (let b = 0; b < width; b++) for (let i = 0; i < n; i++) out[at + b * n + i] = src[i * width + b];
  return at + src.length;
}

function unplanes(bytes: Uint8Array, at: number, dst: Uint8Array, width: number): number {
  const n = dst.length / width;
  for (let b = 0; b < width; b++) for (let i = 0; i < n; i++) dst[i * width + b] = bytes[at + b * n + i];
  return at + dst.length;
}
