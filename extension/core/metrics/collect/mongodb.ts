// MongoDB through the official driver: one mongod (one shard), or a mongos (one row per shard). Sizes from
// dbStats (or $collStats storageStats for collections matching --tables), chunks from config.chunks through
// mongos; RAM = the WiredTiger cache size from each mongod's serverStatus (or hostInfo's machine memory),
// resident = bytes in that cache, page faults per second from extra_info.page_faults.
import { expectServerToWaitAt } from '../../first-words';
import type { Document, MongoClient } from 'mongodb';
import { mongodb } from '../../drivers';
import { connectError } from '../../bench/connect-error';
import type { TargetUrl } from '../../bench/target';
import { UserError } from '../../errors';
import { formatSize } from '../units';
import { CounterRate, likeToRegExp, type MetricsSource, type Row, type SourceOptions } from './source';

const SYSTEM_DBS = new Set(['admin', 'config', 'local']);
const OPTS = { serverSelectionTimeoutMS: 8000, connectTimeoutMS: 8000 };

interface Sizes {
  data: number;
  index: number;
  storage: number;
  docs: number;
}
const zero = (): Sizes => ({ data: 0, index: 0, storage: 0, docs: 0 });
const add = (s: Sizes, d: Document) => {
  s.data += Number(d.dataSize ?? d.size ?? 0);
  s.index += Number(d.indexSize ?? d.totalIndexSize ?? 0);
  s.storage += Number(d.storageSize ?? 0);
  s.docs += Number(d.objects ?? d.count ?? 0);
};

async function connect(url: string, t: TargetUrl, where: string): Promise<MongoClient> {
  await expectServerToWaitAt(where, 'MongoDB');
  const client = new (mongodb().MongoClient)(url, OPTS);
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return client;
  } catch (err) {
    await client.close().catch(() => undefined);
    throw connectError(err, { ...t, where });
  }
}

/** Memory of one mongod: cache size (or machine memory), bytes in cache, cumulative page faults. */
async function memory(c: MongoClient, o: SourceOptions): Promise<{ ram: number; cache: number; resident?: number; faults?: number }> {
  const st = await c.db('admin').command({ serverStatus: 1 });
  const wt = (st.wiredTiger?.cache ?? {}) as Record<string, number>;
  const cache = Number(wt['maximum bytes configured'] ?? NaN);
  let ram = cache;
  if (o.ram.kind === 'bytes') ram = o.ram.bytes;
  else if (o.ram.kind === 'machine' || !Number.isFinite(cache)) ram = Number((await c.db('admin').command({ hostInfo: 1 })).system?.memSizeMB) * 2 ** 20;
  const inCache = wt['bytes currently in the cache'];
  return {
    ram,
    cache,
    resident: inCache === undefined ? undefined : Number(inCache),
    faults: st.extra_info?.page_faults === undefined ? undefined : Number(st.extra_info.page_faults),
  };
}

/** Sizes per shard name ('' for a lone mongod). */
async function sizes(c: MongoClient, dbName: string | null, o: SourceOptions, hostToShard: Map<string, string>): Promise<Map<string, Sizes>> {
  const out = new Map<string, Sizes>();
  const at = (shard: string) => out.get(shard) ?? out.set(shard, zero()).get(shard)!;
  const dbs = dbName
    ? [dbName]
    : (await c.db('admin').admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name).filter((n) => !SYSTEM_DBS.has(n));
  const match = o.tables ? likeToRegExp(o.tables) : null;
  for (const name of dbs) {
    const db = c.db(name);
    if (!match) {
      const s = await db.command({ dbStats: 1, scale: 1 });
      if (s.raw && hostToShard.size > 0)
        for (const [host, d] of Object.entries(s.raw as Record<string, Document>)) add(at(hostToShard.get(host) ?? host.split('/')[0]), d);
      else add(at(''), s);
      continue;
    }
    for (const coll of await db.listCollections({}, { nameOnly: true }).toArray()) {
      if (!match.test(coll.name)) continue;
      const docs = await db
        .collection(coll.name)
        .aggregate([{ $collStats: { storageStats: {} } }])
        .toArray();
      for (const d of docs) {
        const ss = d.storageStats as Document;
        add(at(typeof d.shard === 'string' ? d.shard : ''), {
          dataSize: ss.size,
          indexSize: ss.totalIndexSize,
          storageSize: ss.storageSize,
          objects: ss.count,
        });
      }
    }
  }
  return out;
}

export async function openMongoSource(t: TargetUrl, o: SourceOptions): Promise<MetricsSource> {
  const u = new URL(t.url);
  const dbName = decodeURIComponent(u.pathname.replace(/^\//, '')) || null;
  const client = await connect(t.url, t, t.where);
  const hello = await client.db('admin').command({ hello: 1 });
  const viaMongos = hello.msg === 'isdbgrid';
  // through mongos: connect to each shard's replica set for its memory, with the URL's credentials
  const shards: { name: string; host: string; client: MongoClient; faults: CounterRate }[] = [];
  const hostToShard = new Map<string, string>();
  if (viaMongos) {
    const list = (await client.db('admin').command({ listShards: 1 })).shards as { _id: string; host: string }[];
    for (const s of list) {
      hostToShard.set(s.host, s._id);
      const [rs, hosts] = s.host.includes('/') ? s.host.split('/') : [null, s.host];
      const su = new URL(t.url);
      su.host = hosts.split(',')[0];
      su.pathname = '/';
      su.search = rs ? `?replicaSet=${encodeURIComponent(rs)}` : '';
      if (u.searchParams.get('authSource')) su.searchParams.set('authSource', u.searchParams.get('authSource')!);
      su.host = hosts;
      shards.push({ name: s._id, host: s.host, client: await connect(su.toString(), t, `${s._id} at ${hosts}`), faults: new CounterRate() });
    }
  } else {
    shards.push({ name: o.shard ?? t.where, host: t.where, client, faults: new CounterRate() });
  }
  let first = true;
  return {
    where: t.where,
    async sample(tSec): Promise<Row[]> {
      const bySize = await sizes(client, dbName, o, hostToShard);
      let chunks: Map<string, number> | null = null;
      if (viaMongos) {
        const counts = await client
          .db('config')
          .collection('chunks')
          .aggregate([{ $group: { _id: '$shard', n: { $sum: 1 } } }])
          .toArray();
        chunks = new Map(counts.map((x) => [String(x._id), Number(x.n)]));
      }
      const rows: Row[] = [];
      for (const s of shards) {
        const sz = bySize.get(viaMongos ? s.name : '') ?? zero();
        const mem = await memory(s.client, o);
        if (!Number.isFinite(mem.ram)) throw new UserError(`${s.host}: serverStatus gives no cache size and hostInfo no memory size; give --ram SIZE`);
        const row: Row = {
          sample: {
            tSec,
            shard: s.name,
            dataBytes: sz.data,
            indexBytes: sz.index,
            storageBytes: sz.storage,
            ramBytes: mem.ram,
            residentBytes: mem.resident,
            pageFaultsPerS: s.faults.rate(tSec, mem.faults),
            chunks: chunks?.get(s.name) ?? (viaMongos ? 0 : undefined),
            docs: sz.docs,
            avgDocBytes: sz.docs > 0 ? Math.round(sz.data / sz.docs) : undefined,
          },
          note: null,
        };
        if (first)
          row.note = {
            tSec,
            shard: s.name,
            text: `collector: ${viaMongos ? `shard ${s.name} (${s.host}) through mongos ${t.where}` : `mongod ${t.where}`}; RAM = ${formatSize(mem.ram)} (${o.ram.kind === 'buffer' ? 'WiredTiger cache' : o.ram.kind === 'machine' ? 'machine memory' : '--ram'})`,
          };
        rows.push(row);
      }
      first = false;
      return rows;
    },
    async close() {
      for (const s of shards) if (s.client !== client) await s.client.close().catch(() => undefined);
      await client.close().catch(() => undefined);
    },
  };
}
