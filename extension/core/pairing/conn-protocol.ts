// The wire of one connection, before pairing: which protocol it speaks (the transcript's, or guessed from its own
// first bytes and its server's port, so a capture of a whole host can hold MySQL beside TLS), its session, and what of
// its bytes could not be judged: TLS, a protocol this tool does not decode, and bytes lost to a capture's gap. After a
// gap the connection waits for a client chunk where a message can begin (the session's `resume`), skipping what comes
// before it: what was in flight at the gap is unknown, never a mismatch.
import { protocolByName, tellConnection, type Protocol, type WireMessage, type WireSession } from '../protocols';
import { eventBytes, type DataEvent, type Direction } from '../transcript/format';
import type { Unseen } from './unseen';

/** events held while a connection's protocol is guessed; past them the port decides, or the bytes go unjudged */
const DETECT_EVENTS = 8;

export interface WireSink {
  message(msg: WireMessage, line: number): void;
  /** a message shown but not judged (TLS records) */
  shown(msg: WireMessage, line: number): void;
  /** bytes were lost: what is in flight can no longer be paired */
  gap(): void;
}

interface Counts {
  protocols: Record<string, number>;
  unseen: Unseen;
}

type State = 'detecting' | 'live' | 'unsynced' | 'opaque';

export class ConnProtocol {
  pairing: 'fifo' | 'id' = 'fifo';
  sawData = false;
  /** data events seen on this connection, to tell requests written in one chunk */
  dataEvents = 0;
  /** bytes of this connection were lost: unmatched answers after it are unknown, not orphans */
  afterGap = false;
  private state: State;
  private session: WireSession | null = null;
  private held: [DataEvent, number, Buffer][] = [];
  private first: Partial<Record<Direction, Buffer>> = {};
  private encrypted = false;
  private opaqueKind: 'tls' | 'unknown' = 'unknown';
  /** cut before any bytes (an import's window began after the connection opened): once told, it starts unsynced */
  private cutBeforeData = false;

  constructor(
    protocol: Protocol | null,
    private readonly port: number | undefined,
    private readonly counts: Counts,
    private readonly sink: WireSink,
  ) {
    this.state = 'detecting';
    if (protocol) this.start(protocol);
  }

  data(ev: DataEvent, line: number): void {
    this.sawData = true;
    this.dataEvents++;
    const bytes = eventBytes(ev);
    const dir = ev.k;
    switch (this.state) {
      case 'live':
        this.feed(dir, bytes, ev.t, line);
        return;
      case 'detecting':
        this.held.push([ev, line, bytes]);
        this.first[dir] ??= bytes;
        this.detect(false);
        return;
      case 'unsynced':
        this.resume(dir, bytes, ev.t, line);
        return;
      case 'opaque':
        this.opaque(bytes.length);
        return;
    }
  }

  /** bytes of this connection were lost (in either direction: both lose their pairing) */
  gap(bytes: number): void {
    const u = this.counts.unseen;
    u.gaps++;
    u.gapBytes += bytes;
    this.afterGap = true;
    if (this.state === 'detecting') {
      // what came before the gap was too little to tell; what follows may start mid-message: unjudged
      this.detect(true);
      if ((this.state as State) === 'live') this.state = 'unsynced';
    } else if (this.state === 'live') {
      this.state = 'unsynced';
    }
    if (this.state === 'unsynced') this.sink.gap();
  }

  /**
   * The transcript cuts the connection here (an import's time window): what was in flight is unknown, and the bytes
   * after the cut may begin in the middle of a message, as after a gap, though no byte is known lost.
   */
  cut(): void {
    this.afterGap = true;
    if (this.state === 'detecting' && this.held.length === 0) {
      this.cutBeforeData = true;
      return;
    }
    if (this.state === 'detecting') this.detect(true);
    if ((this.state as State) === 'live') this.state = 'unsynced';
    if ((this.state as State) === 'unsynced') this.sink.gap();
  }

  /**
   * The connection ended: a protocol not yet guessed is guessed from what there is. `closed`: its clean close (not a
   * reset, nor the transcript's end), which makes whole a message delimited by it.
   */
  end(closed?: { tUs: number; line: number }): void {
    if (this.state === 'detecting' && this.held.length > 0) this.detect(true);
    if (closed && this.state === 'live' && this.session?.close) {
      for (const msg of this.session.close(closed.tUs)) this.sink.message(msg, closed.line);
    }
  }

  private detect(final: boolean): void {
    const { c2s, s2c } = this.first;
    const name = tellConnection(
      { firstC2S: c2s, firstS2C: s2c, port: this.port },
      final || (c2s !== undefined && s2c !== undefined) || this.held.length >= DETECT_EVENTS,
    );
    if (name === undefined) return;
    const protocol = name ? protocolByName(name) : undefined;
    if (!protocol) {
      this.toOpaque(name === 'tls' ? 'tls' : 'unknown');
      return;
    }
    this.start(protocol);
    if (this.cutBeforeData) this.state = 'unsynced';
    const held = this.held;
    this.held = [];
    for (const [ev, line, bytes] of held) {
      if (this.state === 'unsynced') this.resume(ev.k, bytes, ev.t, line);
      else this.feed(ev.k, bytes, ev.t, line);
    }
  }

  /** Out of step with the messages: bytes are skipped until a client chunk where a message can begin. */
  private resume(dir: Direction, bytes: Buffer, tUs: number, line: number): void {
    const next = dir === 'c2s' ? (this.session?.resume?.(dir, bytes) ?? null) : null;
    if (!next) {
      this.counts.unseen.skippedBytes += bytes.length;
      return;
    }
    this.session = next;
    this.state = 'live';
    this.feed(dir, bytes, tUs, line);
  }

  private start(protocol: Protocol): void {
    this.session = protocol.session();
    this.pairing = protocol.pairing;
    this.state = 'live';
    this.counts.protocols[protocol.name] = (this.counts.protocols[protocol.name] ?? 0) + 1;
  }

  private toOpaque(kind: 'tls' | 'unknown'): void {
    this.state = 'opaque';
    this.opaqueKind = kind;
    if (kind === 'tls') this.counts.unseen.encryptedConnections++;
    else this.counts.unseen.unknownConnections++;
    this.counts.protocols[kind] = (this.counts.protocols[kind] ?? 0) + 1;
    for (const [, , bytes] of this.held) this.opaque(bytes.length);
    this.held = [];
  }

  private opaque(n: number): void {
    if (this.opaqueKind === 'tls') this.counts.unseen.encryptedBytes += n;
    else this.counts.unseen.unknownBytes += n;
  }

  private feed(dir: Direction, bytes: Buffer, tUs: number, line: number): void {
    for (const msg of (this.session as WireSession).push(dir, bytes, tUs)) {
      if (msg.encrypted) {
        if (!this.encrypted) {
          this.encrypted = true;
          this.counts.unseen.encryptedConnections++;
        }
        this.counts.unseen.encryptedBytes += msg.bytes.length;
        this.sink.shown(msg, line);
      } else {
        this.sink.message(msg, line);
      }
    }
  }
}
