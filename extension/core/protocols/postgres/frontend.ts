// Client messages: the untyped startup-phase messages, and the typed ones of the simple and extended query flows.
// An extended query's request is the run of messages up to its Sync; it shows as its statement and bound values.
import { Cursor, clipText, decodeProblem } from '../cursor';
import type { Decoded } from '../types';
import { CODE } from './framing';

export interface Part {
  type: string;
  [field: string]: unknown;
}

export function decodeUntyped(b: Buffer): Decoded {
  const c = new Cursor(b, 4);
  try {
    const code = c.i32be('the request code');
    if (code === CODE.SSL_REQUEST) return { summary: 'SSLRequest', fields: { type: 'SSLRequest' } };
    if (code === CODE.GSSENC_REQUEST) return { summary: 'GSSENCRequest', fields: { type: 'GSSENCRequest' } };
    if (code === CODE.CANCEL_REQUEST) {
      const pid = c.i32be('the process id');
      return { summary: `cancel backend ${pid}`, fields: { type: 'CancelRequest', pid } };
    }
    const params: Record<string, string> = {};
    while (c.remaining > 1) {
      const k = c.cstring('a parameter name');
      if (k === '') break;
      params[k] = c.cstring('a parameter value');
    }
    const version = `${code >> 16}.${code & 0xffff}`;
    const who = ['user', 'database'].filter((k) => params[k] !== undefined).map((k) => `${k}=${params[k]}`);
    return { summary: `startup ${who.join(' ')}`.trim(), fields: { type: 'StartupMessage', version, ...params } };
  } catch (err) {
    return { summary: 'startup', error: decodeProblem(err) };
  }
}

/** One typed client message as a part of a request. `auth` says what the server asked for, to name a 'p' message. */
export function parseFrontend(b: Buffer, auth: number | null): Part {
  const type = String.fromCharCode(b[0]);
  const c = new Cursor(b, 5);
  switch (type) {
    case 'Q':
      return { type: 'Query', query: c.cstringOrRest() };
    case 'P': {
      const name = c.cstring('the statement name');
      const query = c.cstring('the query');
      const n = c.i16be('the parameter type count');
      const paramTypes: number[] = [];
      for (let i = 0; i < n; i++) paramTypes.push(c.u32be('a parameter type'));
      return { type: 'Parse', name, query, paramTypes };
    }
    case 'B':
      return parseBind(c);
    case 'D':
    case 'C': {
      const what = String.fromCharCode(c.u8('the target kind'));
      return { type: type === 'D' ? 'Describe' : 'Close', target: what === 'S' ? 'statement' : 'portal', name: c.cstringOrRest() };
    }
    case 'E':
      return { type: 'Execute', portal: c.cstring('the portal name'), maxRows: c.i32be('the row limit') };
    case 'S':
      return { type: 'Sync' };
    case 'H':
      return { type: 'Flush' };
    case 'X':
      return { type: 'Terminate' };
    case 'p':
      return { type: auth === 10 ? 'SASLInitialResponse' : auth === 11 ? 'SASLResponse' : 'PasswordMessage', bytes: b.length - 5 };
    case 'd':
      return { type: 'CopyData', bytes: b.length - 5 };
    case 'c':
      return { type: 'CopyDone' };
    case 'f':
      return { type: 'CopyFail', message: c.cstringOrRest() };
    case 'F':
      return { type: 'FunctionCall', oid: c.u32be('the function oid') };
    default:
      return { type: `unknown '${type}'`, bytes: b.length - 5, unknown: true };
  }
}

function parseBind(c: Cursor): Part {
  const portal = c.cstring('the portal name');
  const statement = c.cstring('the statement name');
  const nf = c.i16be('the format count');
  const formats: number[] = [];
  for (let i = 0; i < nf; i++) formats.push(c.i16be('a format code'));
  const n = c.i16be('the parameter count');
  const params: Array<string | null> = [];
  for (let i = 0; i < n; i++) {
    const len = c.i32be('a parameter length');
    if (len < 0) {
      params.push(null);
      continue;
    }
    const v = c.bytes(len, 'a parameter value');
    const binary = (nf === 1 ? formats[0] : formats[i]) === 1;
    params.push(binary ? `\\x${v.toString('hex')}` : v.toString('utf8'));
  }
  return { type: 'Bind', portal, statement, params };
}

/** A request made of parts: a simple query, an extended query run, a login message. */
export function describeRequest(parts: Part[]): Decoded {
  const fields = { messages: parts };
  const q = parts.find((p) => p.type === 'Query');
  if (q) return { summary: clipText(String(q.query)), fields };
  const parse = parts.find((p) => p.type === 'Parse');
  const bind = parts.find((p) => p.type === 'Bind');
  const params = (bind?.params as Array<string | null> | undefined) ?? [];
  const shown = params.length ? ` [${params.map((v) => (v === null ? 'null' : JSON.stringify(v))).join(', ')}]` : '';
  let summary: string;
  if (parse) summary = `${clipText(String(parse.query))}${shown}`;
  else if (bind) summary = `execute ${bind.statement ? String(bind.statement) : '(unnamed)'}${shown}`;
  else summary = parts.map((p) => p.type).join(' ');
  const d: Decoded = { summary, fields };
  if (params.length && params[0] !== null) d.key = params[0];
  const odd = parts.find((p) => p.unknown);
  if (odd) d.error = `an unknown message type ${odd.type}`;
  return d;
}
