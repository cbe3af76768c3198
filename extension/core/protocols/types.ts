// The contract every wire protocol module fulfils: a session that frames the bytes of one connection, in both
// directions and in whatever chunks they arrived, into whole messages, each decoded. Decoders never throw on
// hostile bytes: a message that cannot be decoded carries `error`.
import type { Direction } from '../transcript/format';

export interface Decoded {
  /** one line a human reads in a list: the command and its arguments, or the answer */
  summary: string;
  /** the key asked for (request) or named in the answer (response), where the protocol shows one */
  key?: string;
  /** decoded fields for the details pane */
  fields?: Record<string, unknown>;
  /** a response that reports failure (ERR, error packet) */
  failed?: boolean;
  /** set when the bytes could not be decoded; the message is still counted and shown raw */
  error?: string;
}

/**
 * A Decoded whose summary and fields are made on first read, for decoders that need nothing but the message's own
 * bytes: pairing a million messages reads only their key, error and failure, which `quick` gives at once; the
 * summary and fields are made for the few that a finding, the timeline or the details pane shows. A decoder that
 * makes one per message can subclass it and override `decode` (and, with `keyLater`, `findKey`) rather than pass
 * closures: the shipped bundle keeps names, and names every closure it makes at run time (about 5% of a Redis
 * timeline's build).
 */
export class LazyDecoded implements Decoded {
  error?: string;
  failed?: boolean;
  private made: Decoded | null = null;
  /** the key once known; `findKey` finds it on first read when the decoder says `keyLater` rather than give a key */
  private known: string | undefined;
  private keyPending: boolean;

  /** the protocol whose `describe` gives this same decoding from the message's bytes alone, where one does */
  readonly alone: string | undefined;

  constructor(
    /** the whole decoding; null for a subclass that overrides `decode` */
    private readonly make: (() => Decoded) | null,
    quick: Pick<Decoded, 'key' | 'error' | 'failed'> & { keyLater?: boolean; alone?: string },
  ) {
    this.alone = quick.alone;
    this.known = quick.key;
    this.keyPending = quick.keyLater === true;
    if (quick.error !== undefined) this.error = quick.error;
    if (quick.failed !== undefined) this.failed = quick.failed;
  }

  get key(): string | undefined {
    if (this.keyPending) {
      this.known = this.findKey();
      this.keyPending = false;
    }
    return this.known;
  }

  /** the key, found on first read: a subclass that says `keyLater` overrides this */
  protected findKey(): string | undefined {
    return this.known;
  }

  /** the summary and fields, made on first read (`make`, or a subclass's own) */
  protected decode(): Decoded {
    if (!this.make) throw new Error('LazyDecoded: no make() and no decode()');
    return this.make();
  }

  private get whole(): Decoded {
    this.made ??= this.decode();
    return this.made;
  }

  get summary(): string {
    return this.whole.summary;
  }

  get fields(): Record<string, unknown> | undefined {
    return this.whole.fields;
  }

  toJSON(): Decoded {
    return this.whole;
  }
}

export interface WireMessage {
  dir: Direction;
  /** µs of the chunk holding the first byte */
  tUs: number;
  /** µs of the chunk holding the last byte: when the message was whole */
  tEndUs: number;
  bytes: Buffer;
  decoded: Decoded;
  /** id pairing: the request's id, or for a response the id of the request it answers */
  id?: number | string;
  /** false for messages that need no answer (MySQL COM_QUIT, a Postgres Parse before Sync, …) */
  expectsResponse?: boolean;
  /** a server message that answers no request (a RESP3 push, a MySQL greeting, a Postgres notice while idle): never paired */
  unsolicited?: boolean;
  /** bytes after the connection upgraded to TLS: counted as unseen, never a request or a response */
  encrypted?: boolean;
  /** the framing of this direction was lost here (a length past any real message): what follows is not framed */
  lostFraming?: boolean;
  /**
   * For recording, from a mask session that hands over only the messages that may hold a secret: where the message
   * begins in its direction's bytes as pushed. Without it the redactor finds a message by its bytes, after the one
   * before it, which needs every message handed over.
   */
  streamOffset?: number;
}

export interface WireSession {
  /** bytes in, whole messages out */
  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[];
  /** bytes held that do not make a whole message, per direction */
  pendingBytes(dir: Direction): number;
  /**
   * The server closed the connection cleanly (a `close`, not a reset): messages that only the close makes whole (an
   * HTTP response whose body runs to the close). Protocols whose messages all carry their own length have none.
   */
  close?(tUs: number): WireMessage[];
  /**
   * After bytes of this connection were lost (a capture's gap): a new session that continues this connection from a
   * chunk whose first byte may begin a message of `dir`, keeping what the connection negotiated (capabilities,
   * compression) and nothing of what was in flight; null when no message of `dir` can begin at this chunk.
   */
  resume?(dir: Direction, chunk: Buffer): WireSession | null;
  /**
   * For recording: true when every byte `pendingBytes` counts belongs to one message still arriving that is known,
   * from its head and what the connection has negotiated, to hold nothing `Protocol.redact` would mask (a big query,
   * a big SET), so the recorder may write it as it arrives instead of holding it whole. False when that cannot be
   * told (yet), which is always safe.
   */
  pendingHoldsNoSecret?(dir: Direction): boolean;
  /**
   * For recording, where messages are not the bytes as sent (MySQL's compressed protocol): whole messages' bytes as
   * sent, in order, with their secrets masked, the same length. Null when this direction's messages are its bytes as
   * sent; then `Protocol.redact` masks each one.
   */
  redactSent?(dir: Direction, bytes: Buffer): Buffer | null;
}

export interface Protocol {
  name: string;
  /** fifo: the n-th response answers the n-th request; id: the response names its request */
  pairing: 'fifo' | 'id';
  session(): WireSession;
  /**
   * Masks secrets (passwords, auth proofs) in one whole message as framed by `session()`, for recording. Returns bytes
   * of the same length, or null when the message holds nothing to mask. Pure: it sees only these bytes.
   */
  redact?(dir: Direction, bytes: Buffer): Buffer | null;
  /**
   * A message decoded from its own bytes, for protocols whose decoding needs nothing else (the session's framing
   * aside): the timeline keeps such a message's bytes and decodes it when it is shown, not as the model is built.
   * Their sessions mark the messages so decoded (`LazyDecoded.alone`).
   */
  describe?(dir: Direction, bytes: Buffer): Decoded;
  /**
   * A session that only frames, for the recorder's masking (`redact` needs whole messages, not their meaning): the
   * same boundaries as `session()`, at a fraction of its cost. Without one the recorder masks on `session()`.
   */
  maskSession?(): WireSession;
}
