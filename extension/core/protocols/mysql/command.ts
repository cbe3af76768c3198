// Client commands in the command phase: the first payload byte names the command. Prepared statements are decoded
// with what the session remembers of them (their SQL and parameter count from the prepare answer, the parameter
// types from the last execute), so an execute shows its statement and its bound values.
import { Cursor, clipText, decodeProblem } from '../cursor';
import type { Decoded } from '../types';
import { CAP } from './handshake';
import type { Shape } from './result';
import { binaryValue, lenencInt, type Cell } from './values';

export const COM = {
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  STATISTICS: 0x09,
  PING: 0x0e,
  CHANGE_USER: 0x11,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  RESET_CONNECTION: 0x1f,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(COM).map(([k, v]) => [v, `COM_${k}`]));

export interface Statement {
  sql: string;
  params: number;
  paramTypes?: number[];
}

/** How the server answers a command: no answer, or the shape the result collector follows. */
export function answerShape(command: number): Shape | 'none' | 'auth' {
  switch (command) {
    case COM.QUIT:
    case COM.STMT_CLOSE:
    case COM.STMT_SEND_LONG_DATA:
      return 'none';
    case COM.QUERY:
      return 'resultset';
    case COM.STMT_EXECUTE:
    case COM.STMT_FETCH:
      return 'binary-resultset';
    case COM.STMT_PREPARE:
      return 'prepare';
    case COM.FIELD_LIST:
      return 'fieldlist';
    case COM.CHANGE_USER:
      return 'auth';
    default:
      return 'single';
  }
}

export function commandName(command: number): string {
  return NAMES[command] ?? `COM_0x${command.toString(16)}`;
}

export interface CommandContext {
  capabilities: number;
  statements: Map<number, Statement>;
  lastPrepared: number | null;
}

export function decodeCommand(p: Buffer, ctx: CommandContext): Decoded {
  const command = p[0];
  const name = commandName(command ?? 0);
  if (p.length === 0) return { summary: 'empty packet', error: 'a command packet with no command byte' };
  try {
    switch (command) {
      case COM.QUERY: {
        const sql = querySql(p, ctx.capabilities);
        return { summary: clipText(sql), fields: { command: name, sql } };
      }
      case COM.STMT_PREPARE: {
        const sql = p.toString('utf8', 1);
        return { summary: `prepare ${clipText(sql)}`, fields: { command: name, sql } };
      }
      case COM.STMT_EXECUTE:
        return decodeExecute(p, ctx);
      case COM.STMT_CLOSE:
      case COM.STMT_RESET:
      case COM.STMT_FETCH: {
        const id = new Cursor(p, 1).u32le('the statement id');
        return { summary: `${name.slice(9).toLowerCase()} #${id}`, fields: { command: name, statementId: id } };
      }
      case COM.INIT_DB: {
        const db = p.toString('utf8', 1);
        return { summary: `use ${db}`, fields: { command: name, database: db } };
      }
      case COM.PING:
        return { summary: 'ping', fields: { command: name } };
      case COM.QUIT:
        return { summary: 'quit', fields: { command: name } };
      default:
        return { summary: name, fields: { command: name, bytes: p.length - 1 } };
    }
  } catch (err) {
    return { summary: name, error: decodeProblem(err) };
  }
}

/** With CLIENT_QUERY_ATTRIBUTES a COM_QUERY carries an attribute count first; we decode the common no-attribute form. */
function querySql(p: Buffer, capabilities: number): string {
  if (!(capabilities & CAP.QUERY_ATTRIBUTES)) return p.toString('utf8', 1);
  const c = new Cursor(p, 1);
  const count = lenencInt(c, 'the attribute count');
  lenencInt(c, 'the parameter set count');
  if (count !== 0) throw new Error(`a query with ${count} attributes is not decoded`);
  return c.rest().toString('utf8');
}

function decodeExecute(p: Buffer, ctx: CommandContext): Decoded {
  const c = new Cursor(p, 1);
  let id = c.u32le('the statement id');
  // MariaDB: id 0xffffffff means the statement prepared last on this connection
  if (id === 0xffffffff && ctx.lastPrepared !== null) id = ctx.lastPrepared;
  const flags = c.u8('the cursor flags');
  c.u32le('the iteration count');
  const stmt = ctx.statements.get(id);
  const fields: Record<string, unknown> = { command: 'COM_STMT_EXECUTE', statementId: id, flags };
  if (!stmt) return { summary: `execute #${id}`, fields, error: 'the statement was prepared before the transcript starts' };
  fields.sql = stmt.sql;
  const params: Cell[] = [];
  let problem: string | undefined;
  if (stmt.params > 0) {
    try {
      const bitmap = c.bytes((stmt.params + 7) >> 3, 'the NULL bitmap');
      if (c.u8('the new-params flag') === 1) {
        stmt.paramTypes = [];
        for (let i = 0; i < stmt.params; i++) stmt.paramTypes.push(c.u16le('a parameter type'));
      }
      const types = stmt.paramTypes ?? [];
      for (let i = 0; i < stmt.params; i++) {
        const isNull = (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
        const t = types[i] ?? 0xfd;
        params.push(isNull ? null : binaryValue(c, t & 0xff, (t & 0x8000) !== 0));
      }
    } catch (err) {
      problem = decodeProblem(err);
    }
  }
  fields.params = params;
  const shown = params.length ? ` [${params.map((v) => JSON.stringify(v)).join(', ')}]` : '';
  const d: Decoded = { summary: `execute ${clipText(stmt.sql)}${shown}`, fields };
  if (params.length && params[0] !== null) d.key = String(params[0]);
  if (problem) d.error = problem;
  return d;
}
