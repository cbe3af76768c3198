// The clients under test, each behind one small interface: get(key) returns the payload the client handed to the
// application, or what went wrong. Each is used as an application would use it: after a timeout it keeps using
// the client (a pool or driver recovers as it does by itself; a single connection that the driver declares dead
// is replaced by a new one, as application code would).
import type { Connection, Pool as MysqlPool, RowDataPacket } from 'mysql2';
import type { Client as PgClient, Pool as PgPool } from 'pg';
import type { Redis } from 'ioredis';
import type { MongoClient } from 'mongodb';
import { ioredis, mongodb, mysql2, pg } from '../drivers';
import mongodbPkg from 'mongodb/package.json';
import mysql2Pkg from 'mysql2/package.json';
import pgPkg from 'pg/package.json';
import ioredisPkg from 'ioredis/package.json';
import { BuggyTrackerClient, SafeTrackerClient, type TrackerClient } from '../tracker/client';
import type { HostPort } from '../address';
import { payloadFor } from './payload';
import { RedisKeepOnCancel } from './redis-keep';
import type { ClientEventSink } from '../tracker/client';

export type Got = { kind: 'payload'; payload: string } | { kind: 'missing' } | { kind: 'timeout' } | { kind: 'error'; code: string };

export interface CheckClient {
  get(key: string): Promise<Got>;
  close(): Promise<void>;
  /** callbacks a driver made a second time for one request (a late answer delivered after its timeout) */
  lateCallbacks: number;
}

export interface ClientContext {
  /** the target URL rewritten to go through the recording proxy */
  url: string;
  proxy: HostPort;
  table: string;
  timeoutMs: number;
  poolSize: number;
  /** tracker clients: key → file id, so that an answer can be checked */
  trackerFids?: Map<string, number>;
}

export const CLIENT_NAMES = ['mysql2', 'mysql2-pool', 'pg', 'pg-pool', 'ioredis', 'redis-keep-on-cancel', 'mongodb', 'tracker-buggy', 'tracker-safe'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

/** Whether each simulated user gets its own client (true) or all share one (a pool, a multiplexing driver). */
export function perWorker(name: ClientName): boolean {
  return name === 'mysql2' || name === 'pg' || name === 'redis-keep-on-cancel' || name === 'tracker-buggy' || name === 'tracker-safe';
}

export function driverVersion(name: ClientName): string {
  switch (name) {
    case 'mysql2':
    case 'mysql2-pool':
      return `mysql2 ${mysql2Pkg.version}`;
    case 'pg':
    case 'pg-pool':
      return `pg ${pgPkg.version}`;
    case 'ioredis':
      return `ioredis ${ioredisPkg.version}`;
    case 'mongodb':
      return `mongodb ${mongodbPkg.version}`;
    case 'redis-keep-on-cancel':
      return "incident-replay Redis client (redis-py 4.5.2: a cancelled command's reply is left for the next)";
    default:
      return `incident-replay tracker client (${name === 'tracker-buggy' ? 'the 2008 behaviour' : 'closes on timeout, checks answers'})`;
  }
}

const code = (err: unknown) => String((err as { code?: unknown }).code ?? (err as Error).message ?? err);
const isTimeout = (err: unknown) => /timeout|timed out/i.test(`${code(err)} ${(err as Error).message ?? ''}`);

/** Wraps a callback API so that a second callback for the same request is counted, not lost. */
function once<T>(client: CheckClient, run: (done: (err: unknown, v?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let called = false;
    run((err, v) => {
      if (called) {
        client.lateCallbacks++;
        return;
      }
      called = true;
      if (err) reject(err);
      else resolve(v as T);
    });
  });
}

function sqlGot(rows: { k: string; payload: string }[]): Got {
  return rows.length === 0 ? { kind: 'missing' } : { kind: 'payload', payload: String(rows[0].payload) };
}

function asGot(err: unknown): Got {
  return isTimeout(err) ? { kind: 'timeout' } : { kind: 'error', code: code(err) };
}

class Mysql2Single implements CheckClient {
  lateCallbacks = 0;
  private conn: Connection | null = null;
  constructor(private readonly ctx: ClientContext) {}
  private connection(): Connection {
    if (!this.conn) {
      this.conn = mysql2().createConnection({ uri: this.ctx.url });
      this.conn.on('error', () => (this.conn = null));
    }
    return this.conn;
  }
  async get(key: string): Promise<Got> {
    const c = this.connection();
    try {
      const rows = await once<RowDataPacket[]>(this, (done) =>
        c.query<RowDataPacket[]>({ sql: `select k, payload from ${this.ctx.table} where k = ?`, values: [key], timeout: this.ctx.timeoutMs }, (e, r) =>
          done(e, r),
        ),
      );
      return sqlGot(rows as { k: string; payload: string }[]);
    } catch (err) {
      if ((err as { fatal?: boolean }).fatal) {
        c.destroy();
        this.conn = null; // the driver says the connection is dead: the application opens another
      }
      return asGot(err);
    }
  }
  async close(): Promise<void> {
    this.conn?.destroy();
  }
}

class Mysql2Pool implements CheckClient {
  lateCallbacks = 0;
  private readonly pool: MysqlPool;
  constructor(private readonly ctx: ClientContext) {
    this.pool = mysql2().createPool({ uri: ctx.url, connectionLimit: ctx.poolSize });
  }
  async get(key: string): Promise<Got> {
    try {
      const rows = await once<RowDataPacket[]>(this, (done) =>
        this.pool.query<RowDataPacket[]>({ sql: `select k, payload from ${this.ctx.table} where k = ?`, values: [key], timeout: this.ctx.timeoutMs }, (e, r) =>
          done(e, r),
        ),
      );
      return sqlGot(rows as { k: string; payload: string }[]);
    } catch (err) {
      return asGot(err);
    }
  }
  close(): Promise<void> {
    return new Promise((r) => this.pool.end(() => r()));
  }
}

class PgSingle implements CheckClient {
  lateCallbacks = 0;
  private client: Promise<PgClient> | null = null;
  constructor(private readonly ctx: ClientContext) {}
  private connection(): Promise<PgClient> {
    if (!this.client) {
      const c = new (pg().Client)({ connectionString: this.ctx.url, query_timeout: this.ctx.timeoutMs });
      c.on('error', () => (this.client = null));
      c.on('end', () => (this.client = null));
      this.client = c.connect().then(() => c);
    }
    return this.client;
  }
  async get(key: string): Promise<Got> {
    try {
      const c = await this.connection();
      const r = await c.query<{ k: string; payload: string }>(`select k, payload from ${this.ctx.table} where k = $1`, [key]);
      return sqlGot(r.rows);
    } catch (err) {
      return asGot(err);
    }
  }
  async close(): Promise<void> {
    const c = await this.client?.catch(() => null);
    await c?.end().catch(() => {});
  }
}

class PgPooled implements CheckClient {
  lateCallbacks = 0;
  private readonly pool: PgPool;
  constructor(private readonly ctx: ClientContext) {
    this.pool = new (pg().Pool)({ connectionString: ctx.url, query_timeout: ctx.timeoutMs, max: ctx.poolSize });
    this.pool.on('error', () => {});
  }
  async get(key: string): Promise<Got> {
    try {
      const r = await this.pool.query<{ k: string; payload: string }>(`select k, payload from ${this.ctx.table} where k = $1`, [key]);
      return sqlGot(r.rows);
    } catch (err) {
      return asGot(err);
    }
  }
  close(): Promise<void> {
    return this.pool.end().catch(() => {});
  }
}

class IoredisClient implements CheckClient {
  lateCallbacks = 0;
  private readonly redis: Redis;
  constructor(private readonly ctx: ClientContext) {
    this.redis = new (ioredis().Redis)(ctx.url, { commandTimeout: ctx.timeoutMs, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => {});
  }
  async get(key: string): Promise<Got> {
    try {
      const v = await this.redis.get(`${this.ctx.table}:${key}`);
      return v === null ? { kind: 'missing' } : { kind: 'payload', payload: v };
    } catch (err) {
      return asGot(err);
    }
  }
  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

class MongoCheckClient implements CheckClient {
  lateCallbacks = 0;
  private readonly client: MongoClient;
  private readonly ready: Promise<MongoClient>;
  constructor(private readonly ctx: ClientContext) {
    this.client = new (mongodb().MongoClient)(ctx.url, {
      socketTimeoutMS: ctx.timeoutMs,
      maxPoolSize: ctx.poolSize,
      directConnection: true,
      serverSelectionTimeoutMS: 5000,
    });
    this.ready = this.client.connect();
  }
  async get(key: string): Promise<Got> {
    try {
      const c = await this.ready;
      const doc = await c.db().collection<{ _id: string; payload: string }>(this.ctx.table).findOne({ _id: key });
      return doc ? { kind: 'payload', payload: doc.payload } : { kind: 'missing' };
    } catch (err) {
      return asGot(err);
    }
  }
  close(): Promise<void> {
    return this.client.close();
  }
}

/** The tracker clients answer with paths; the "payload" is the key whose file the answer names. */
class TrackerCheckClient implements CheckClient {
  lateCallbacks = 0;
  constructor(
    private readonly client: TrackerClient,
    private readonly fids: Map<string, number>,
  ) {}
  async get(key: string): Promise<Got> {
    try {
      const a = await this.client.getPaths('check', key);
      if (a.kind === 'timeout') return { kind: 'timeout' };
      if (a.kind === 'wrong') return { kind: 'error', code: 'refused-wrong-answer' };
      if (a.kind === 'err') return a.code === 'unknown_key' ? { kind: 'missing' } : { kind: 'error', code: a.code };
      const fid = Number(/(\d{10})\.fid$/.exec(a.args.path1 ?? '')?.[1]);
      const owner = [...this.fids].find(([, f]) => f === fid)?.[0];
      return owner === undefined ? { kind: 'error', code: 'unknown-file' } : { kind: 'payload', payload: payloadFor(owner) };
    } catch (err) {
      return { kind: 'error', code: code(err) };
    }
  }
  async close(): Promise<void> {
    this.client.close();
  }
}

export function makeClient(name: ClientName, ctx: ClientContext, trackerOpts?: { sink?: ClientEventSink; name: string }): CheckClient {
  switch (name) {
    case 'mysql2':
      return new Mysql2Single(ctx);
    case 'mysql2-pool':
      return new Mysql2Pool(ctx);
    case 'pg':
      return new PgSingle(ctx);
    case 'pg-pool':
      return new PgPooled(ctx);
    case 'ioredis':
      return new IoredisClient(ctx);
    case 'redis-keep-on-cancel':
      return new RedisKeepOnCancel(ctx.proxy, ctx.timeoutMs, ctx.table);
    case 'mongodb':
      return new MongoCheckClient(ctx);
    case 'tracker-buggy':
    case 'tracker-safe': {
      const opts = { timeoutMs: ctx.timeoutMs, sink: trackerOpts?.sink, name: trackerOpts?.name ?? name };
      const c = name === 'tracker-buggy' ? new BuggyTrackerClient(ctx.proxy, opts) : new SafeTrackerClient(ctx.proxy, opts);
      for (const [k, f] of ctx.trackerFids ?? []) c.knownFids.set(k, f);
      return new TrackerCheckClient(c, ctx.trackerFids ?? new Map());
    }
  }
}
