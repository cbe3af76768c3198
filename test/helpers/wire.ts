// Feeding recorded wire chunks to a protocol's sessions the way a transcript would: re-split at chosen points (so
// that framing is tested at every boundary), decoded per connection, and paired with the real `Pairing`.
import { Pairing } from '../../extension/core/pairing';
import type { Finding } from '../../extension/core/pairing';
import type { Protocol, WireMessage } from '../../extension/core/protocols/types';
import type { DataEvent } from '../../extension/core/transcript/format';
import type { Chunk } from './capture';
import { deflateSync } from 'node:zlib';

/** A seeded PRNG, so that every random split and fuzz input can be reproduced from its seed. */
export { seeded as prng } from '../../extension/core/random';

export function totalBytes(chunks: Chunk[]): number {
  return chunks.reduce((n, c) => n + c.bytes.length, 0);
}

/** The same traffic with one more boundary, at byte `at` of the whole stream (counted over all chunks in order). */
export function splitAt(chunks: Chunk[], at: number): Chunk[] {
  const out: Chunk[] = [];
  let base = 0;
  for (const c of chunks) {
    const k = at - base;
    if (k > 0 && k < c.bytes.length) out.push({ ...c, bytes: c.bytes.subarray(0, k) }, { ...c, bytes: c.bytes.subarray(k), tUs: c.tUs + 1 });
    else out.push(c);
    base += c.bytes.length;
  }
  return out;
}

/** The same traffic cut into random pieces of 1..maxPiece bytes, order kept. */
export function splitRandom(chunks: Chunk[], rand: () => number, maxPiece: number): Chunk[] {
  const out: Chunk[] = [];
  for (const c of chunks) {
    for (let i = 0; i < c.bytes.length;) {
      const n = 1 + Math.floor(rand() * maxPiece);
      out.push({ ...c, bytes: c.bytes.subarray(i, i + n) });
      i += n;
    }
  }
  return out;
}

export interface Decoded extends WireMessage {
  conn: number;
}

/** Every message each connection's session yields, in order. */
export function decodeAll(protocol: Protocol, chunks: Chunk[]): Decoded[] {
  const sessions = new Map<number, ReturnType<Protocol['session']>>();
  const out: Decoded[] = [];
  for (const c of chunks) {
    let s = sessions.get(c.conn);
    if (!s) sessions.set(c.conn, (s = protocol.session()));
    for (const m of s.push(c.dir, c.bytes, c.tUs)) out.push({ ...m, conn: c.conn });
  }
  return out;
}

export interface Paired {
  request: Decoded;
  response: Decoded | null;
}

export interface PairingRun {
  pairs: Paired[];
  findings: Finding[];
  requests: number;
  responses: number;
  undecoded: number;
  unsolicited: Decoded[];
}

/** Runs the traffic through `Pairing` as transcript events and collects who answered whom. */
export function pairAll(protocol: Protocol, chunks: Chunk[]): PairingRun {
  const byRef = new Map<string, Paired>();
  const pairs: Paired[] = [];
  const unsolicited: Decoded[] = [];
  const pairing = new Pairing(protocol, {
    onMessage: (conn, msg, ref, pairedWith) => {
      const m = { ...msg, conn };
      if (msg.dir === 'c2s') {
        const p: Paired = { request: m, response: null };
        pairs.push(p);
        byRef.set(`${conn}:${ref.seq}`, p);
      } else if (pairedWith) {
        const p = byRef.get(`${conn}:${pairedWith.seq}`);
        if (p) p.response = m;
      } else if (msg.unsolicited) {
        unsolicited.push(m);
      }
    },
  });
  chunks.forEach((c, i) => {
    const ev: DataEvent = { t: c.tUs, c: c.conn, k: c.dir, d: c.bytes.toString('base64'), e: 'base64' };
    pairing.push(ev, i + 2);
  });
  pairing.finish();
  const s = pairing.summary;
  return { pairs, findings: pairing.findings, requests: s.requests, responses: s.responses, undecoded: s.undecoded, unsolicited };
}

/** What a test compares between two splits of the same traffic: each message's direction, summary and bytes. */
export function shape(msgs: WireMessage[]): string[] {
  return msgs.map((m) => `${m.dir} ${m.decoded.summary} ${m.decoded.error ?? ''} ${m.bytes.toString('base64')}`);
}

/** One MySQL compressed packet: the 7-byte header, then the payload deflated (or stored as it is). */
export function compressedPacket(seq: number, inner: Buffer, deflate: boolean): Buffer {
  const payload = deflate ? deflateSync(inner) : inner;
  const h = Buffer.alloc(7);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  h.writeUIntLE(deflate ? inner.length : 0, 4, 3);
  return Buffer.concat([h, payload]);
}
