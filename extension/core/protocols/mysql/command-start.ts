// Whether a client chunk can begin a command, for picking a connection up again after a capture's gap: a packet
// header with sequence id 0, a command byte we know, and a length that command can have. In compressed mode the chunk
// must begin a compressed packet (sequence id 0 again, since every command restarts it) whose payload begins so.
import { COMPRESSED_HEADER_BYTES, inflatePrefix, readCompressedHeader } from './compressed';
import { COM } from './command';

const ANY = 0xffffff;

/** payload lengths (command byte included) each command can have: [least, most] */
const LENGTHS: Record<number, readonly [number, number]> = {
  [COM.QUIT]: [1, 1],
  [COM.STATISTICS]: [1, 1],
  [COM.PING]: [1, 1],
  [COM.RESET_CONNECTION]: [1, 1],
  [COM.INIT_DB]: [2, ANY],
  [COM.QUERY]: [2, ANY],
  [COM.FIELD_LIST]: [2, ANY],
  [COM.CHANGE_USER]: [2, ANY],
  [COM.STMT_PREPARE]: [2, ANY],
  // statement id, cursor flags, iteration count
  [COM.STMT_EXECUTE]: [10, ANY],
  // statement id, parameter number
  [COM.STMT_SEND_LONG_DATA]: [7, ANY],
  [COM.STMT_CLOSE]: [5, 5],
  [COM.STMT_RESET]: [5, 5],
  [COM.SET_OPTION]: [3, 3],
  // statement id, row count
  [COM.STMT_FETCH]: [9, 9],
};

export function beginsCommand(chunk: Buffer, compressed: boolean): boolean {
  return compressed ? beginsCompressedCommand(chunk) : beginsPlainCommand(chunk);
}

function beginsPlainCommand(b: Buffer): boolean {
  if (b.length < 5 || b[3] !== 0) return false;
  const range = LENGTHS[b[4]];
  if (!range) return false;
  const len = b.readUIntLE(0, 3);
  return len >= range[0] && len <= range[1];
}

function beginsCompressedCommand(b: Buffer): boolean {
  if (b.length < COMPRESSED_HEADER_BYTES + 5) return false;
  const h = readCompressedHeader(b);
  if (h.seq !== 0) return false;
  const payload = b.subarray(COMPRESSED_HEADER_BYTES, COMPRESSED_HEADER_BYTES + h.length);
  if (h.inflatedLength === 0) return h.length >= 5 && beginsPlainCommand(payload);
  // a zlib stream begins with deflate (method 8) and a check that makes its first two bytes a multiple of 31
  if (h.inflatedLength < 5 || (payload[0] & 0x0f) !== 8 || ((payload[0] << 8) | payload[1]) % 31 !== 0) return false;
  return beginsPlainCommand(inflatePrefix(payload, h.inflatedLength));
}
