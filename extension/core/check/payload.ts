// Rows that prove where they came from: each payload embeds its own key and a checksum over key and padding, so an
// answer can be checked against the key asked for, and a torn or mixed-up payload is caught too.
import { createHash } from 'node:crypto';

export const KEY_PREFIX = 'ir-check:';

export function keyFor(n: number): string {
  return `${KEY_PREFIX}${n}`;
}

function sum(key: string, pad: string): string {
  return createHash('sha1').update(`${key}|${pad}`).digest('hex').slice(0, 12);
}

/** `key|checksum|padding`; the padding varies with the key so that answers differ in length as well as content. */
export function payloadFor(key: string): string {
  const pad = 'x'.repeat(16 + ((key.length * 7) % 48));
  return `${key}|${sum(key, pad)}|${pad}`;
}

export type PayloadCheck = { ok: true } | { ok: false; why: 'other-key'; gotKey: string } | { ok: false; why: 'corrupt' };

export function checkPayload(asked: string, payload: string): PayloadCheck {
  const [key, crc, pad] = payload.split('|');
  if (key === undefined || crc === undefined || pad === undefined || sum(key, pad) !== crc) return { ok: false, why: 'corrupt' };
  if (key !== asked) return { ok: false, why: 'other-key', gotKey: key };
  return { ok: true };
}
