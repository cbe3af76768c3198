// Where the check reads from: a database URL (mysql, postgres, redis, mongodb, mogilefs) or, for the tracker
// clients, the embedded tracker. Seeds the keyed rows straight to the server (not through the proxy) and cleans up.
import { expectServerToWait } from '../first-words';
import type { RowDataPacket } from 'mysql2/promise';
import { ioredis, mongodb, mysql2Promise, pg } from '../drivers';
import { formatHostPort, parseHostPort, type HostPort } from '../address';
import { connectError, kindName } from '../bench/connect-error';
import { UserError } from '../errors';
import { SafeTrackerClient } from '../tracker/client';
import { startTracker, type Tracker } from '../tracker/server';
import type { ClientName } from './clients';
import { keyFor, payloadFor } from './payload';

export type BackendKind = 'mysql' | 'postgres' | 'redis' | 'mongodb' | 'mogilefs';

const SCHEMES: Record<string, BackendKind> = {
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'redis:': 'redis',
  'mongodb:': 'mongodb',
  'mogilefs:': 'mogilefs',
};
const PORTS: Record<BackendKind, number> = { mysql: 3306, postgres: 5432, redis: 6379, mongodb: 27017, mogilefs: 7001 };
const CLIENT_BACKEND: Record<ClientName, BackendKind> = {
  mysql2: 'mysql',
  'mysql2-pool': 'mysql',
  pg: 'postgres',
  'pg-pool': 'postgres',
  ioredis: 'redis',
  'redis-keep-on-cancel': 'redis',
  mongodb: 'mongodb',
  'tracker-buggy': 'mogilefs',
  'tracker-safe': 'mogilefs',
};

export interface Backend {
  kind: BackendKind;
  server: HostPort;
  /** the URL as given, password masked */
  shown: string;
  /** the URL with host:port replaced by the proxy's */
  via(proxy: HostPort): string;
  seed(table: string, rows: number): Promise<{ trackerFids?: Map<string, number> }>;
  cleanup(table: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBackend(url: string | undefined, client: ClientName): Promise<Backend> {
  const want = CLIENT_BACKEND[client];
  if (!url) {
    if (want !== 'mogilefs') throw new UserError(`check: --client ${client} needs a ${want}:// URL`);
    const tracker = await startTracker();
    return trackerBackend(tracker.address, `embedded tracker ${formatHostPort(tracker.address)}`, tracker);
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`check: "${url}" is not a URL (like mysql://root@127.0.0.1:3306/test)`);
  }
  const kind = SCHEMES[u.protocol];
  if (!kind) throw new UserError(`check: "${u.protocol}//" is not supported (mysql://, postgres://, redis://, mongodb://, mogilefs://)`);
  if (kind !== want) throw new UserError(`check: --client ${client} speaks ${want}, but the URL is ${u.protocol}//`);
  const server = parseHostPort(`${u.hostname.replace(/^\[|\]$/g, '')}:${u.port || PORTS[kind]}`, 'URL');
  const masked = new URL(url);
  if (masked.password) masked.password = '***';
  const via = (p: HostPort) => {
    const v = new URL(url);
    v.hostname = p.host;
    v.port = String(p.port);
    return v.toString();
  };
  switch (kind) {
    case 'mogilefs':
      return trackerBackend(server, masked.toString(), null);
    case 'mysql':
      return sqlBackend(kind, server, masked.toString(), via, url);
    case 'postgres':
      return sqlBackend(kind, server, masked.toString(), via, url);
    case 'redis':
      return redisBackend(server, masked.toString(), via, url);
    case 'mongodb':
      return mongoBackend(server, masked.toString(), via, url);
  }
}

/** A connect that does not settle in time is a failure too: a server of another kind may never answer. */
function bounded<T>(p: Promise<T>, where: string, kind: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserError(`${where}: no ${kindName(kind)} answered within ${CONNECT_MS / 1000} s`)), CONNECT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** A bounded connect whose failure is one line, as bench and collect say it: never a bug of ours, whatever answered. */
function connected<T>(p: Promise<T>, url: string, where: string, kind: string): Promise<T> {
  return bounded(p, where, kind).catch((err: unknown) =>
    Promise.reject(err instanceof UserError ? err : connectError(err, { where, kind, user: decodeURIComponent(new URL(url).username) })),
  );
}

const CONNECT_MS = 10_000;

const BATCH = 500;

async function sqlBackend(kind: 'mysql' | 'postgres', server: HostPort, shown: string, via: (p: HostPort) => string, url: string): Promise<Backend> {
  const where = formatHostPort(server);
  if (kind === 'mysql') {
    const c = await connected(mysql2Promise().createConnection({ uri: url, connectTimeout: CONNECT_MS }), url, where, 'mysql');
    return {
      kind,
      server,
      shown,
      via,
      async seed(table, rows) {
        await c.query(`drop table if exists ${table}`);
        await c.query(`create table ${table} (k varchar(64) primary key, payload text not null) engine=InnoDB`);
        for (let i = 0; i < rows; i += BATCH) {
          const batch = Array.from({ length: Math.min(BATCH, rows - i) }, (_, j) => [keyFor(i + j), payloadFor(keyFor(i + j))]);
          await c.query(`insert into ${table} (k, payload) values ?`, [batch]);
        }
        const [n] = await c.query<RowDataPacket[]>(`select count(*) as n from ${table}`);
        if (Number(n[0].n) !== rows) throw new Error(`seeded ${n[0].n} rows, wanted ${rows}`);
        return {};
      },
      async cleanup(table) {
        await c.query(`drop table if exists ${table}`);
      },
      close: () => c.end(),
    };
  }
  const c = new (pg().Client)({ connectionString: url, connectionTimeoutMillis: CONNECT_MS });
  c.on('error', () => {}); // a server of another kind can send more after the failed connect: it is already said
  await connected(c.connect(), url, where, 'postgres').catch((e: unknown) => {
    void c.end().catch(() => {});
    return Promise.reject(e);
  });
  return {
    kind,
    server,
    shown,
    via,
    async seed(table, rows) {
      await c.query(`drop table if exists ${table}`);
      await c.query(`create table ${table} (k varchar(64) primary key, payload text not null)`);
      for (let i = 0; i < rows; i += BATCH) {
        const n = Math.min(BATCH, rows - i);
        const keys = Array.from({ length: n }, (_, j) => keyFor(i + j));
        await c.query(`insert into ${table} (k, payload) select * from unnest($1::text[], $2::text[])`, [keys, keys.map(payloadFor)]);
      }
      const r = await c.query<{ n: string }>(`select count(*) as n from ${table}`);
      if (Number(r.rows[0].n) !== rows) throw new Error(`seeded ${r.rows[0].n} rows, wanted ${rows}`);
      return {};
    },
    async cleanup(table) {
      await c.query(`drop table if exists ${table}`);
    },
    close: () => c.end(),
  };
}

async function redisBackend(server: HostPort, shown: string, via: (p: HostPort) => string, url: string): Promise<Backend> {
  // one attempt, bounded: ioredis would otherwise retry a refused port for ever
  const r = new (ioredis().Redis)(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: CONNECT_MS,
    enableOfflineQueue: false,
  });
  r.on('error', () => {});
  await connected(
    r.connect().then(() => r.ping()),
    url,
    formatHostPort(server),
    'redis',
  ).catch((e: unknown) => {
    r.disconnect();
    return Promise.reject(e);
  });
  return {
    kind: 'redis',
    server,
    shown,
    via,
    async seed(table, rows) {
      for (let i = 0; i < rows; i += BATCH) {
        const args: string[] = [];
        for (let j = i; j < Math.min(rows, i + BATCH); j++) args.push(`${table}:${keyFor(j)}`, payloadFor(keyFor(j)));
        await r.mset(...args);
      }
      return {};
    },
    async cleanup(table) {
      for (let i = 0; ; i += BATCH) {
        const keys = Array.from({ length: BATCH }, (_, j) => `${table}:${keyFor(i + j)}`);
        const n = await r.del(...keys);
        if (n === 0) break;
      }
    },
    async close() {
      r.disconnect();
    },
  };
}

async function mongoBackend(server: HostPort, shown: string, via: (p: HostPort) => string, url: string): Promise<Backend> {
  await expectServerToWait(server, 'MongoDB');
  const client = new (mongodb().MongoClient)(url, {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    socketTimeoutMS: CONNECT_MS,
    directConnection: true,
  });
  await bounded(client.connect(), formatHostPort(server), 'mongodb').catch((e: Error) => {
    void client.close(true).catch(() => {});
    return Promise.reject(new UserError(`${formatHostPort(server)}: no MongoDB answered (${(e as Error).message.split('\n')[0]})`));
  });
  return {
    kind: 'mongodb',
    server,
    shown,
    via,
    async seed(table, rows) {
      const col = client.db().collection<{ _id: string; payload: string }>(table);
      await col.drop().catch(() => {});
      for (let i = 0; i < rows; i += BATCH) {
        await col.insertMany(Array.from({ length: Math.min(BATCH, rows - i) }, (_, j) => ({ _id: keyFor(i + j), payload: payloadFor(keyFor(i + j)) })));
      }
      return {};
    },
    async cleanup(table) {
      await client
        .db()
        .collection(table)
        .drop()
        .catch(() => {});
    },
    close: () => client.close(),
  };
}

function trackerBackend(server: HostPort, shown: string, owned: Tracker | null): Backend {
  return {
    kind: 'mogilefs',
    server,
    shown,
    via: (p) => `mogilefs://${formatHostPort(p)}`,
    async seed(_table, rows) {
      const setup = new SafeTrackerClient(server, { timeoutMs: 5000, name: 'seed-' });
      await setup.request('create_domain', { domain: 'check' });
      const fids = new Map<string, number>();
      for (let i = 0; i < rows; i++) {
        const fid = await setup.storeKey('check', keyFor(i), payloadFor(keyFor(i)).length);
        if (fid === null) throw new UserError(`${formatHostPort(server)}: the tracker would not store ${keyFor(i)}`);
        fids.set(keyFor(i), fid);
      }
      setup.close();
      return { trackerFids: fids };
    },
    async cleanup() {},
    close: async () => {
      await owned?.close();
    },
  };
}
