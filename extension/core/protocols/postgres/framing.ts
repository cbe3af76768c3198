// PostgreSQL message framing. Typed messages are a type byte and a 4-byte big-endian length that counts itself but
// not the type byte. The client's first message (startup, SSLRequest, GSSENCRequest, CancelRequest) has no type
// byte; the server's answer to SSLRequest/GSSENCRequest is one bare byte. The session says which form comes next.
import { ByteQueue, MAX_MESSAGE_BYTES, type Frame } from '../bytequeue';

export const CODE = {
  SSL_REQUEST: 80877103,
  GSSENC_REQUEST: 80877104,
  CANCEL_REQUEST: 80877102,
  PROTOCOL_3: 196608,
} as const;

export type Take = Frame | null | { error: string };

/** PostgreSQL's own limit on a message (MaxAllocSize) */
const PG_MAX_MESSAGE = 0x3fffffff;

export function isFrame(t: Take): t is Frame {
  return t !== null && 'bytes' in t;
}

/** The next typed message: whole, null when not all here, or an error when the length cannot be right. */
export function takeTyped(q: ByteQueue): Take {
  if (q.length < 5) return null;
  const head = q.peek(5);
  const len = head.readInt32BE(1);
  if (len < 4) return { error: `a message of type 0x${head[0].toString(16)} declares length ${len}, less than 4` };
  // PostgreSQL allows messages up to 1 GB (a 70 MB query is legal): past our cap, shown by its head and skipped
  if (len + 1 > MAX_MESSAGE_BYTES) return len <= PG_MAX_MESSAGE ? q.takeHead(len + 1) : { error: `a message declares ${len} bytes, past PostgreSQL's 1 GB` };
  return q.length >= len + 1 ? q.take(len + 1) : null;
}

/** The next untyped (startup-phase) message. */
export function takeUntyped(q: ByteQueue): Take {
  if (q.length < 4) return null;
  const len = q.peek(4).readInt32BE(0);
  if (len < 8 || len > 10000) return { error: `a startup message declares length ${len}, not 8..10000` };
  return q.length >= len ? q.take(len) : null;
}

/** Whether the held bytes start like an untyped startup-phase message, so a transcript cut mid-session still decodes. */
export function looksUntyped(q: ByteQueue): boolean | null {
  if (q.length < 8) return null;
  const head = q.peek(8);
  const len = head.readInt32BE(0);
  const code = head.readInt32BE(4);
  if (len < 8 || len > 10000) return false;
  return code === CODE.SSL_REQUEST || code === CODE.GSSENC_REQUEST || code === CODE.CANCEL_REQUEST || code >> 16 === 3;
}

/**
 * The least length (the int32 after the type byte, which counts itself) each client message can declare: a fixed
 * 4 for those with no body, more for those with required fields (Bind: portal and statement names, three counts).
 */
const FRONTEND_MIN_LENGTH: Record<string, number> = {
  Q: 5,
  P: 8,
  B: 12,
  D: 6,
  E: 9,
  S: 4,
  H: 4,
  C: 6,
  F: 14,
  d: 4,
  c: 4,
  f: 5,
  X: 4,
  p: 4,
};
/** client messages whose body is empty: their length is exactly 4 */
const NO_BODY = new Set(['S', 'H', 'c', 'X']);

/** Whether a client chunk begins a typed message: after a capture's gap, where decoding can start again. */
export function beginsFrontend(chunk: Buffer): boolean {
  if (chunk.length < 5) return false;
  const type = String.fromCharCode(chunk[0]);
  const least = FRONTEND_MIN_LENGTH[type];
  if (least === undefined) return false;
  const len = chunk.readInt32BE(1);
  if (len < least || len + 1 > MAX_MESSAGE_BYTES || (NO_BODY.has(type) && len !== 4)) return false;
  // Describe and Close name a statement ('S') or a portal ('P')
  return !((type === 'D' || type === 'C') && chunk.length > 5 && chunk[5] !== 0x53 && chunk[5] !== 0x50);
}

/** What of a connection's startup phase the framing needs: set until the client's first typed message. */
export interface StartupState {
  untyped: boolean;
  /** SSLRequest/GSSENCRequest sent: the server answers with one bare byte */
  bareAnswers: number;
}

/** The client's next message: untyped during the startup phase, typed once a typed one shows up. */
export function takeFrontend(q: ByteQueue, s: StartupState): Take {
  if (s.untyped) {
    if (q.length === 0) return null;
    const u = looksUntyped(q);
    if (u) return takeUntyped(q);
    // lengths below 16 MiB start with a 0 byte: an untyped message may still be arriving
    if (u === null && q.byteAt(0) === 0) return null;
    s.untyped = false; // a transcript that starts after the login
  }
  return takeTyped(q);
}

/** The server's next message: one bare byte answering an SSLRequest/GSSENCRequest, else typed. */
export function takeBackend(q: ByteQueue, s: StartupState): Take {
  if (s.bareAnswers > 0 && q.length > 0 && q.byteAt(0) !== 0x45) return q.take(1);
  return takeTyped(q);
}

/**
 * A startup-phase client message was sent: an SSLRequest/GSSENCRequest awaits a bare answer, a StartupMessage ends
 * the phase, a CancelRequest changes nothing. Returns its code.
 */
export function startupSent(s: StartupState, bytes: Buffer): number {
  const code = bytes.readInt32BE(4);
  if (code === CODE.SSL_REQUEST || code === CODE.GSSENC_REQUEST) s.bareAnswers++;
  else if (code !== CODE.CANCEL_REQUEST) s.untyped = false;
  return code;
}

/** The server's bare answer came; true when it accepts (S, G): from here on the connection is encrypted. */
export function bareAnswered(s: StartupState, answer: number): boolean {
  s.bareAnswers--;
  return answer === 0x53 || answer === 0x47;
}

/** For recording: a typed client message holds a secret only as a 'p'; the server's never does. */
export function pendingHoldsNoSecret(q: ByteQueue, dir: 'c2s' | 's2c', s: StartupState): boolean {
  if (q.length < 5) return false;
  if (dir === 's2c') return s.bareAnswers === 0;
  return !s.untyped && q.byteAt(0) !== 0x70;
}
