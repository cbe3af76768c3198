// The MogileFS tracker protocol: one request line, one response (a line, or an admin block ended by `.`), in
// request order on each connection. Responses carry no request id: pairing is FIFO, and clients wait for each answer.
import type { Direction } from '../../transcript/format';
import type { Protocol, WireMessage, WireSession } from '../types';
import { decodeRequest, decodeResponse } from './decode';
import { LineFramer, lineText, ResponseFramer } from './framing';

export * from './decode';
export { LineFramer, ResponseFramer, lineText } from './framing';

class TrackerSession implements WireSession {
  private readonly requests = new LineFramer();
  /** for each request not yet answered: whether it is an admin command (its answer is a block ended by `.`) */
  private readonly admin: boolean[] = [];
  private readonly responses = new ResponseFramer(() => this.admin[0] === true);

  push(dir: Direction, bytes: Buffer, tUs: number): WireMessage[] {
    if (dir === 'c2s') {
      return this.requests
        .push(bytes, tUs)
        .filter((f) => lineText(f.bytes).trim() !== '')
        .map((f) => {
          this.admin.push(lineText(f.bytes).trimStart().startsWith('!'));
          return { dir, ...f, decoded: decodeRequest(f.bytes) };
        });
    }
    return this.responses.push(bytes, tUs).map((f) => {
      this.admin.shift();
      return { dir, ...f, decoded: decodeResponse(f.bytes) };
    });
  }

  pendingBytes(dir: Direction): number {
    return dir === 'c2s' ? this.requests.pending : this.responses.pending;
  }
}

export const mogilefs: Protocol = {
  name: 'mogilefs',
  pairing: 'fifo',
  clientModel: 'sequential',
  session: () => new TrackerSession(),
};
