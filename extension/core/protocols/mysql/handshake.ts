// The connection phase: the server's greeting (protocol version 10), the client's handshake response (or its short
// SSLRequest), and the auth packets that follow (auth switch, more data). The capability flags read here decide how
// later packets are laid out (CLIENT_DEPRECATE_EOF above all).
import { Cursor } from '../cursor';
import type { Decoded } from '../types';
import { lenencBytes } from './values';

export const CAP = {
  CONNECT_WITH_DB: 0x8,
  COMPRESS: 0x20,
  PROTOCOL_41: 0x200,
  SSL: 0x800,
  SECURE_CONNECTION: 0x8000,
  MULTI_RESULTS: 0x20000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  DEPRECATE_EOF: 0x1000000,
  QUERY_ATTRIBUTES: 0x8000000,
} as const;

/** MariaDB's extended capabilities (bits 32 and up), sent in filler bytes when the low bit (CLIENT_MYSQL) is clear */
export const MARIADB = {
  EXTENDED_TYPE_INFO: 0x8,
  CACHE_METADATA: 0x10,
} as const;

export interface Greeting {
  serverVersion: string;
  connectionId: number;
  capabilities: number;
  mariadbCapabilities: number;
  authPlugin: string;
}

export function parseGreeting(p: Buffer): Greeting {
  const c = new Cursor(p);
  const protocol = c.u8('the protocol version');
  if (protocol !== 10) throw new Error(`greeting with protocol version ${protocol}, expected 10`);
  const serverVersion = c.cstring('the server version');
  const connectionId = c.u32le('the connection id');
  c.bytes(8, 'the scramble');
  c.u8('a filler');
  let capabilities = c.u16le('the capability flags');
  let authPlugin = '';
  let mariadbCapabilities = 0;
  if (c.remaining > 0) {
    c.u8('the character set');
    c.u16le('the status flags');
    capabilities |= c.u16le('the capability flags') << 16;
    const scrambleLen = c.u8('the scramble length');
    c.bytes(6, 'a filler');
    const ext = c.u32le('the MariaDB capabilities');
    if (!(capabilities & 1)) mariadbCapabilities = ext;
    if (capabilities & CAP.SECURE_CONNECTION) c.bytes(Math.max(13, scrambleLen - 8), 'the scramble');
    if (capabilities & CAP.PLUGIN_AUTH) authPlugin = c.remaining ? c.cstringOrRest() : '';
  }
  return { serverVersion, connectionId, capabilities: capabilities >>> 0, mariadbCapabilities, authPlugin };
}

export function decodeGreeting(p: Buffer): Decoded {
  const g = parseGreeting(p);
  return { summary: `greeting ${g.serverVersion} connection ${g.connectionId}`, fields: { ...g, capabilities: hex(g.capabilities) } };
}

export interface HandshakeResponse {
  capabilities: number;
  mariadbCapabilities: number;
  user: string;
  /** where the auth response lies in the payload, for redaction */
  authStart: number;
  authLength: number;
  database?: string;
  authPlugin?: string;
  ssl: boolean;
}

/** The client's handshake response; a 32-byte payload with CLIENT_SSL is the SSLRequest that precedes TLS. */
export function parseHandshakeResponse(p: Buffer): HandshakeResponse {
  const c = new Cursor(p);
  const capabilities = c.u32le('the capability flags') >>> 0;
  if (!(capabilities & CAP.PROTOCOL_41)) throw new Error('a pre-4.1 handshake response is not decoded');
  c.bytes(4 + 1 + 19, 'the fixed fields');
  const ext = c.u32le('the MariaDB capabilities');
  const mariadbCapabilities = capabilities & 1 ? 0 : ext;
  if (c.remaining === 0 && capabilities & CAP.SSL) return { capabilities, mariadbCapabilities, user: '', authStart: 0, authLength: 0, ssl: true };
  const user = c.cstring('the user name');
  let authLength: number;
  if (capabilities & CAP.PLUGIN_AUTH_LENENC_CLIENT_DATA) {
    const data = lenencBytes(c, 'the auth response');
    return finish(c, capabilities, mariadbCapabilities, user, c.pos - data.length, data.length);
  }
  if (capabilities & CAP.SECURE_CONNECTION) {
    authLength = c.u8('the auth response length');
    const start = c.pos;
    c.bytes(authLength, 'the auth response');
    return finish(c, capabilities, mariadbCapabilities, user, start, authLength);
  }
  const start = c.pos;
  const nul = p.indexOf(0, start);
  authLength = (nul < 0 ? p.length : nul) - start;
  c.pos = nul < 0 ? p.length : nul + 1;
  return finish(c, capabilities, mariadbCapabilities, user, start, authLength);
}

function finish(c: Cursor, capabilities: number, mariadbCapabilities: number, user: string, authStart: number, authLength: number): HandshakeResponse {
  const r: HandshakeResponse = { capabilities, mariadbCapabilities, user, authStart, authLength, ssl: false };
  if (capabilities & CAP.CONNECT_WITH_DB && c.remaining) r.database = c.cstringOrRest();
  if (capabilities & CAP.PLUGIN_AUTH && c.remaining) r.authPlugin = c.cstringOrRest();
  return r;
}

export function decodeHandshakeResponse(p: Buffer): Decoded {
  const r = parseHandshakeResponse(p);
  if (r.ssl) return { summary: 'SSLRequest (TLS follows)', fields: { capabilities: hex(r.capabilities), ssl: true } };
  const fields: Record<string, unknown> = { user: r.user, capabilities: hex(r.capabilities), authResponseBytes: r.authLength };
  if (r.database !== undefined) fields.database = r.database;
  if (r.authPlugin !== undefined) fields.authPlugin = r.authPlugin;
  const db = r.database ? ` db=${r.database}` : '';
  return { summary: `login ${r.user}${db}${r.authPlugin ? ` (${r.authPlugin})` : ''}`, fields };
}

/** A server packet in the auth exchange that is not OK or ERR: an auth switch (0xfe) or more data (0x01). */
export function decodeAuthServer(p: Buffer): Decoded {
  if (p[0] === 0xfe) {
    const c = new Cursor(p, 1);
    const plugin = c.remaining ? c.cstringOrRest() : '';
    return { summary: `auth switch to ${plugin || '(old password)'}`, fields: { type: 'AuthSwitchRequest', plugin } };
  }
  if (p[0] === 0x01) {
    const what = p.length === 2 && p[1] === 3 ? 'fast auth ok' : p.length === 2 && p[1] === 4 ? 'full auth required' : `${p.length - 1} bytes`;
    return { summary: `auth more data: ${what}`, fields: { type: 'AuthMoreData', bytes: p.length - 1 } };
  }
  return { summary: `auth packet 0x${(p[0] ?? 0).toString(16)}`, error: 'not an auth switch or more-data packet' };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
