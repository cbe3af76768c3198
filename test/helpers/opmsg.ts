// MongoDB wire messages built with `bson` the way the official driver lays them out (src/cmap/commands.ts of
// mongodb/node-mongodb-native): a 16-byte header, OP_MSG flag bits, a kind 0 section holding the command, kind 1
// sections (type byte, int32 size counting itself, the identifier and its NUL, the documents), and with
// checksumPresent a trailing CRC-32C over everything before it. Legacy OP_QUERY/OP_REPLY as the spec gives them.
import { serialize, type Document } from 'bson';
import { crc32c } from '../../extension/core/protocols/mongodb';

function header(length: number, requestID: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestID, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export interface OpMsgOptions {
  requestID: number;
  responseTo?: number;
  sequences?: Record<string, Document[]>;
  moreToCome?: boolean;
  exhaustAllowed?: boolean;
  checksum?: boolean;
}

export function opMsg(body: Document, o: OpMsgOptions): Buffer {
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE(((o.checksum ? 1 : 0) | (o.moreToCome ? 2 : 0) | (o.exhaustAllowed ? 1 << 16 : 0)) >>> 0);
  const parts: Buffer[] = [flags, Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [id, docs] of Object.entries(o.sequences ?? {})) {
    const ident = Buffer.from(`${id}\0`);
    const raw = docs.map((d) => Buffer.from(serialize(d)));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + ident.length + raw.reduce((n, b) => n + b.length, 0));
    parts.push(Buffer.from([1]), size, ident, ...raw);
  }
  const payload = Buffer.concat(parts);
  const length = 16 + payload.length + (o.checksum ? 4 : 0);
  const msg = Buffer.concat([header(length, o.requestID, o.responseTo ?? 0, 2013), payload]);
  if (!o.checksum) return msg;
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32c(msg));
  return Buffer.concat([msg, crc]);
}

export function opQuery(collection: string, query: Document, requestID: number): Buffer {
  const fixed = Buffer.alloc(4);
  const skipReturn = Buffer.alloc(8);
  skipReturn.writeInt32LE(-1, 4);
  const body = Buffer.concat([fixed, Buffer.from(`${collection}\0`), skipReturn, Buffer.from(serialize(query))]);
  return Buffer.concat([header(16 + body.length, requestID, 0, 2004), body]);
}

export function opReply(docs: Document[], requestID: number, responseTo: number): Buffer {
  const fixed = Buffer.alloc(20);
  fixed.writeInt32LE(8, 0); // AwaitCapable
  fixed.writeInt32LE(docs.length, 16);
  const body = Buffer.concat([fixed, ...docs.map((d) => Buffer.from(serialize(d)))]);
  return Buffer.concat([header(16 + body.length, requestID, responseTo, 1), body]);
}

/** OP_COMPRESSED around a message (its header dropped), with the given compressor id and already compressed body. */
export function opCompressed(original: Buffer, compressorId: number, compressed: Buffer): Buffer {
  const meta = Buffer.alloc(9);
  meta.writeInt32LE(original.readInt32LE(12), 0);
  meta.writeInt32LE(original.length - 16, 4);
  meta[8] = compressorId;
  const body = Buffer.concat([meta, compressed]);
  return Buffer.concat([header(16 + body.length, original.readInt32LE(4), original.readInt32LE(8), 2012), body]);
}
