// Same-length masking for recordings: secrets are overwritten in a copy, so every length field and frame boundary
// stays valid and the transcript still decodes and pairs exactly as the original traffic did.

/** The byte secrets are overwritten with: '*', never NUL, so NUL-terminated fields keep their ends. */
export const MASK_BYTE = 0x2a;

/** A copy of `bytes` with each [start, end) range masked; null when no range has a byte in it. */
export function maskRanges(bytes: Buffer, ranges: Array<[number, number]>): Buffer | null {
  let out: Buffer | null = null;
  for (const [start, end] of ranges) {
    const s = Math.max(0, start);
    const e = Math.min(bytes.length, end);
    if (e <= s) continue;
    out ??= Buffer.from(bytes);
    out.fill(MASK_BYTE, s, e);
  }
  return out;
}
