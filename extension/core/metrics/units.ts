// Sizes as a metrics file writes them: plain bytes ("66000000000", "6.6e10") or with a unit ("66GB" = 66·10⁹,
// "66GiB" = 66·2³⁰). The style a file uses is remembered so that figures are shown back in the units written.
export type UnitStyle = 'bytes' | 'si' | 'iec';

const FACTORS: Record<string, { factor: number; style: UnitStyle }> = {
  b: { factor: 1, style: 'bytes' },
  kb: { factor: 1e3, style: 'si' },
  mb: { factor: 1e6, style: 'si' },
  gb: { factor: 1e9, style: 'si' },
  tb: { factor: 1e12, style: 'si' },
  pb: { factor: 1e15, style: 'si' },
  kib: { factor: 2 ** 10, style: 'iec' },
  mib: { factor: 2 ** 20, style: 'iec' },
  gib: { factor: 2 ** 30, style: 'iec' },
  tib: { factor: 2 ** 40, style: 'iec' },
  pib: { factor: 2 ** 50, style: 'iec' },
};

const SIZE = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)$/i;

export interface ParsedSize {
  bytes: number;
  style: UnitStyle;
}

/** Parses a size; returns a problem (a string) when it is not one. Negative sizes are returned as such. */
export function parseSize(text: string): ParsedSize | string {
  // the common case, plain bytes, without the regular expression
  if (isPlainNumber(text)) return { bytes: Number(text), style: 'bytes' };
  const m = SIZE.exec(text.trim());
  if (!m) return `"${text}" is not a size (bytes, or a number with a unit such as 66GB or 66GiB)`;
  const f = unitNamed(m[2]);
  if (!f) return `"${text}": unknown unit "${m[2]}" (use B, KB, MB, GB, TB or KiB, MiB, GiB, TiB)`;
  return { bytes: Number(m[1]) * f.factor, style: f.style };
}

/** A unit by its name, any case ('' is bytes); undefined for a name that is not a unit. */
export function unitNamed(name: string): { factor: number; style: UnitStyle } | undefined {
  const unit = name.toLowerCase();
  return unit === '' ? FACTORS.b : FACTORS[unit];
}

function isPlainNumber(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 48 || c > 57) && c !== 46) return false;
  }
  return text !== '.';
}

const SI = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Formats bytes in the style the file was written in (plain bytes are shown in SI units for reading). */
export function formatSize(bytes: number, style: UnitStyle = 'si', digits = 2): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const base = style === 'iec' ? 1024 : 1000;
  const names = style === 'iec' ? IEC : SI;
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= base && i < names.length - 1) {
    v /= base;
    i++;
  }
  const sign = bytes < 0 ? '-' : '';
  return i === 0 ? `${sign}${Math.round(v)} B` : `${sign}${v.toFixed(digits)} ${names[i]}`;
}
