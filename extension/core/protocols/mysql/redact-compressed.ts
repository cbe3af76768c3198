// Masks MySQL login secrets inside the compressed protocol, for recording. After the login's OK the client's packets
// travel zlib-deflated inside compressed packets (compressed.ts), so a COM_CHANGE_USER's auth response, or the auth
// data a server asks for after it, cannot be found in the bytes on the wire. This follows the client's direction on
// its own: it inflates each compressed packet, frames the inner packets across them, masks what `redactMysql` would
// (an inner COM_CHANGE_USER's auth response, every inner packet with a sequence id past 0 that does not continue a
// big packet), and writes each touched compressed packet back at its length:
// - stored (not deflated): the masked bytes in place;
// - deflated: the masked payload deflated again, followed by '*' to the packet's length (zlib stops at its stream's
//   end and readers ignore what follows; masked bytes deflate smaller than the secret they replace);
// - if that does not fit, the whole payload masked: the secret is gone, and a reader sees a packet that does not
//   inflate and loses that direction's framing from there on, which `analyze` reports.
// It is handed the client's bytes in order, whole compressed packets at a time (the session counts what it holds
// in compressed packets), and keeps its inner framing between calls.
import { deflateSync, inflateSync } from 'node:zlib';
import { MASK_BYTE } from '../mask';
import { COM } from './command';
import { COMPRESSED_HEADER_BYTES, readCompressedHeader } from './compressed';
import { redactMysql } from './redact';

const MAX_PAYLOAD = 0xffffff;

type Judgment = 'none' | 'all';

export class CompressedRedactor {
  /** inner packet bytes still to come from the next call, and whether they are masked */
  private left = 0;
  private leftJudgment: Judgment = 'none';
  /** inner header bytes that ended the last call */
  private headerPart = Buffer.alloc(0);
  /** the last inner packet carried a full 0xffffff payload: the command byte of the big packet it continues */
  private continuing: number | null = null;
  /** past bytes that were not whole compressed packets: every payload is masked whole from here on */
  private lost = false;

  /** The client's bytes (whole compressed packets), secrets masked, same length. */
  redact(wire: Buffer): Buffer {
    const packets: Array<{ start: number; length: number; inflatedLength: number }> = [];
    let at = 0;
    while (at + COMPRESSED_HEADER_BYTES <= wire.length) {
      const h = readCompressedHeader(wire.subarray(at));
      if (at + COMPRESSED_HEADER_BYTES + h.length > wire.length) break;
      packets.push({ start: at + COMPRESSED_HEADER_BYTES, length: h.length, inflatedLength: h.inflatedLength });
      at += COMPRESSED_HEADER_BYTES + h.length;
    }
    const out = Buffer.from(wire);
    if (at !== wire.length) this.lost = true;
    if (this.lost) {
      // not whole compressed packets: nothing here can be read safely
      out.fill(MASK_BYTE);
      return out;
    }
    const inflated: Buffer[] = [];
    for (const p of packets) {
      const payload = wire.subarray(p.start, p.start + p.length);
      let b: Buffer | null = payload;
      if (p.inflatedLength !== 0) {
        try {
          b = inflateSync(payload, { maxOutputLength: p.inflatedLength + 1 });
        } catch {
          b = null;
        }
      }
      if (b === null || (p.inflatedLength !== 0 && b.length !== p.inflatedLength)) {
        // a payload that does not inflate hides where the inner packets go: masked, as is all that follows
        this.lost = true;
        for (const q of packets.slice(packets.indexOf(p))) out.fill(MASK_BYTE, q.start, q.start + q.length);
        break;
      }
      inflated.push(b);
    }
    const stream = inflated.length === 1 ? inflated[0] : Buffer.concat(inflated);
    const ranges = this.follow(stream);
    if (ranges.length === 0) return out;
    const masked = Buffer.from(stream);
    for (const [s, e] of ranges) masked.fill(MASK_BYTE, s, e);
    // each compressed packet whose inflated bytes changed is written again, at its length
    let from = 0;
    for (let i = 0; i < inflated.length; i++) {
      const p = packets[i];
      const to = from + inflated[i].length;
      const mine = masked.subarray(from, to);
      if (!mine.equals(inflated[i])) {
        if (p.inflatedLength === 0) mine.copy(out, p.start);
        else {
          out.fill(MASK_BYTE, p.start, p.start + p.length);
          const again = deflateSync(mine);
          if (again.length <= p.length) again.copy(out, p.start);
        }
      }
      from = to;
    }
    return out;
  }

  /** Frames the inner packets of the next inflated bytes; returns the ranges in them to mask. */
  private follow(bytes: Buffer): Array<[number, number]> {
    const ranges: Array<[number, number]> = [];
    let at = 0;
    if (this.left > 0) {
      const n = Math.min(this.left, bytes.length);
      if (this.leftJudgment === 'all') ranges.push([0, n]);
      this.left -= n;
      at = n;
    }
    while (at < bytes.length) {
      let header: Buffer;
      if (this.headerPart.length > 0) {
        const need = 4 - this.headerPart.length;
        header = Buffer.concat([this.headerPart, bytes.subarray(at, at + need)]);
        at += Math.min(need, bytes.length - at);
      } else {
        header = bytes.subarray(at, at + 4);
        at += header.length;
      }
      if (header.length < 4) {
        this.headerPart = Buffer.from(header);
        break;
      }
      this.headerPart = Buffer.alloc(0);
      const len = header.readUIntLE(0, 3);
      const whole = at + len <= bytes.length;
      const cmd = at < bytes.length && len > 0 ? bytes[at] : undefined;
      const first = this.continuing ?? cmd;
      let judgment: Judgment = 'none';
      if (this.continuing !== null) judgment = this.continuing === COM.CHANGE_USER ? 'all' : 'none';
      else if (header[3] !== 0 || cmd === undefined) judgment = len > 0 ? 'all' : 'none';
      else if (cmd === COM.CHANGE_USER) {
        if (!whole || len === MAX_PAYLOAD) judgment = 'all';
        else {
          // the auth response's place, as redactMysql finds it in the packet
          const packet = Buffer.concat([header, bytes.subarray(at, at + len)]);
          const r = redactMysql('c2s', packet);
          if (r) for (let i = 4; i < packet.length; i++) if (r[i] !== packet[i]) ranges.push([at + i - 4, at + i - 3]);
        }
      }
      const n = Math.min(len, bytes.length - at);
      if (judgment === 'all') ranges.push([at, at + n]);
      at += n;
      this.continuing = len === MAX_PAYLOAD ? (first ?? null) : null;
      if (!whole) {
        this.left = len - n;
        this.leftJudgment = judgment;
      }
    }
    return ranges;
  }
}
