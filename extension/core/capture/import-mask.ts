// Secrets masked in an imported capture, as the recording proxy masks them (`record --capture` promises the same as
// `record`): each connection's bytes go through the recorder's own mask (record/connection-mask.ts), per connection
// and in order, its protocol told from its first bytes and then its server port. Where the mask cannot follow the
// messages, the connection's bytes are masked whole (lengths and times kept): a connection the capture joined in the
// middle (its first bytes may be the middle of an AUTH), and everything after a gap (a lost piece leaves the framing
// unknown). Masked bytes are written at the time of the packet that completed their message.
import { portOf } from '../address';
import { connectionMask, type ConnectionMask, type Recordable } from '../record/connection-mask';
import { masked } from '../record/redactor';
import { encodeBytes, eventBytes, type DataEvent, type Direction } from '../transcript/format';
import type { EventSink } from './reassembly';

export interface ImportMaskOptions {
  /** the protocol named by the user; none or "auto": told per connection */
  protocol?: string;
  /** told once per connection whose protocol could not be told (its bytes are then masked whole) */
  onUnknown?: (c: number) => void;
}

type State = ConnectionMask | null | 'whole';

/** A sink that masks secrets in the data events it passes on to `sink`. `midstream`: connections begun before the capture. */
export function maskingSink(sink: EventSink, midstream: ReadonlySet<number>, opts: ImportMaskOptions): EventSink {
  const masks = new Map<number, State>();
  const emit = (tUs: number, c: number, out: Recordable) => {
    for (const [d, b] of out) if (b.length > 0) sink(tUs, c, d, encodeBytes(b));
  };
  const stateOf = (c: number, fields?: Record<string, unknown>): State => {
    let m = masks.get(c);
    if (m === undefined) {
      m = midstream.has(c) ? 'whole' : connectionMask({ protocol: opts.protocol, port: portOf(fields?.server), onUnknown: () => opts.onUnknown?.(c) });
      masks.set(c, m);
    }
    return m;
  };
  return (tUs, c, k, fields) => {
    switch (k) {
      case 'open':
        stateOf(c, fields);
        sink(tUs, c, k, fields);
        return;
      case 'c2s':
      case 's2c': {
        const m = stateOf(c);
        if (m === null) {
          sink(tUs, c, k, fields);
          return;
        }
        const bytes = eventBytes(fields as DataEvent);
        emit(tUs, c, m === 'whole' ? [[k as Direction, masked(bytes)]] : m.take(k, bytes));
        return;
      }
      case 'gap': {
        const m = masks.get(c);
        if (m && m !== 'whole') emit(tUs, c, m.flush());
        masks.set(c, 'whole');
        sink(tUs, c, k, fields);
        return;
      }
      case 'close':
      case 'reset': {
        const m = masks.get(c);
        if (m && m !== 'whole') emit(tUs, c, m.flush());
        masks.delete(c);
        sink(tUs, c, k, fields);
        return;
      }
      default:
        sink(tUs, c, k, fields);
    }
  };
}
