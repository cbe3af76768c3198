// The MogileFS tracker protocol: one request line, one response (a line, or an admin block ended by `.`), in
// request order on each connection. Responses carry no request id: pairing is FIFO, and clients wait for each answer.
import type { Direction } from '../../transcript/format';
import type { Protocol, WireMessage, WireSession } from '../types';
import { decodeRequest, decodeResponse, lazyRequest, lazyResponse } from './decode';
import { LineFramer, ResponseFramer } from './framing';

export * from './decode';
export { LineFramer, ResponseFramer, lineText } from './framing';

class TrackerSession implements WireSession {
  private readonly requests = new LineFramer();
  /** for each request not yet answered: whether it is an admin command (its answer is a block ended by `.`) */
  private readonly admin: boolean[] = [];
  private readonly responses = new ResponseFramer(() => this.admin[0] === true);

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    if (dir === 'c2s') {
      const out: WireMessage[] = [];
      for (const f of this.requests.push(bytes, tUs)) {
        const first = firstVisible(f.bytes);
        if (first < 0) continue; // a blank line is no request
        this.admin.push(f.bytes[first] === 0x21); // `!`: an admin command
        out.push({ dir, bytes: f.bytes, tUs: f.tUs, tEndUs: f.tEndUs, decoded: lazyRequest(f.bytes) });
      }
      return out;
    }
    const out: WireMessage[] = [];
    for (const f of this.responses.push(bytes, tUs)) {
      this.admin.shift();
      out.push({ dir, bytes: f.bytes, tUs: f.tUs, tEndUs: f.tEndUs, decoded: lazyResponse(f.bytes) });
    }
    return out;
  }

  pendingBytes(dir: Direction): number {
    return dir === 'c2s' ? this.requests.pending : this.responses.pending;
  }

  /** A command line begins with its name (a letter) or `!` for an admin command; the tracker keeps no other state. */
  resume(dir: Direction, chunk: Buffer): WireSession | null {
    const c = chunk[0] ?? 0;
    const begins = c === 0x21 || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    return dir === 'c2s' && begins ? new TrackerSession() : null;
  }
}

/** The index of the first byte that is not blank, or -1 for a blank line. */
function firstVisible(b: Buffer): number {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return i;
  }
  return -1;
}

export const mogilefs: Protocol = {
  name: 'mogilefs',
  pairing: 'fifo',
  session: () => new TrackerSession(),
  describe: (dir, bytes) => (dir === 'c2s' ? decodeRequest(bytes) : decodeResponse(bytes)),
};
