// Decoding of tracker requests (`command a=1&b=2`) and responses (`OK a=1`, `ERR code description`, admin blocks).
// Command names are matched case-insensitively; arguments are URL-decoded and kept in the order sent.
import type { Decoded } from '../types';
import { lineText } from './framing';

export interface TrackerRequest {
  command: string;
  args: Record<string, string>;
}

/** Parses `a=1&b=x%20y`; a malformed escape keeps the raw text rather than failing the whole message. */
export function parseArgs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (s.trim() === '') return out;
  for (const pair of s.trim().split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = decodePart(eq < 0 ? pair : pair.slice(0, eq));
    out[k] = eq < 0 ? '' : decodePart(pair.slice(eq + 1));
  }
  return out;
}

function decodePart(s: string): string {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

export function encodeArgs(args: Record<string, string | number>): string {
  return Object.entries(args)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export function parseRequest(line: string): TrackerRequest {
  const trimmed = line.replace(/^\s+/, '');
  const sp = trimmed.search(/\s/);
  const command = (sp < 0 ? trimmed : trimmed.slice(0, sp)).toLowerCase();
  return { command, args: parseArgs(sp < 0 ? '' : trimmed.slice(sp + 1)) };
}

export function decodeRequest(bytes: Buffer): Decoded {
  const text = lineText(bytes);
  const req = parseRequest(text);
  if (req.command === '') return { summary: text, error: 'empty request line' };
  const key = req.args.key ?? req.args.from_key;
  return { summary: summarize(req.command, req.args), ...(key !== undefined ? { key } : {}), fields: { command: req.command, ...req.args } };
}

export function decodeResponse(bytes: Buffer): Decoded {
  const text = bytes.toString('utf8');
  const first = lineText(bytes);
  const ok = /^OK(\s|$)/i.exec(first);
  if (ok) {
    const args = parseArgs(first.slice(2));
    return { summary: summarize('OK', args), fields: { status: 'OK', ...args } };
  }
  const err = /^ERR\s+(\S+)\s*(.*)$/i.exec(first);
  if (err) {
    const description = decodePart(err[2]);
    return { summary: `ERR ${err[1]}${description ? ` ${description}` : ''}`, failed: true, fields: { status: 'ERR', code: err[1], description } };
  }
  if (/^ERR\s*$/i.test(first)) return { summary: 'ERR', failed: true, fields: { status: 'ERR' } };
  const lines = text.split(/\r?\n/).filter((l, i, all) => !(l === '' && i === all.length - 1));
  if (lines[lines.length - 1] === '.') {
    const body = lines.slice(0, -1);
    return { summary: body.length === 1 ? body[0] : `${body.length} lines`, fields: { lines: body } };
  }
  return { summary: first, error: 'not an OK or ERR response' };
}

function summarize(head: string, args: Record<string, string>): string {
  const parts = Object.entries(args).map(([k, v]) => `${k}=${v}`);
  return parts.length ? `${head} ${parts.join(' ')}` : head;
}
