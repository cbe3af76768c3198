// mongodb:// through the official driver. The "table" is a collection of {val, txt} documents. Each thread's
// clients share one MongoClient whose pool holds exactly one connection per simulated client (min = max = n), so
// each client has its own connection while it waits, as with the SQL targets.
import { expectServerToWaitAt } from '../first-words';
import type { Collection, MongoClient } from 'mongodb';
import { mongodb } from '../drivers';
import { connectError } from './connect-error';
import type { Admin, Driver, Session, SessionSet, TargetUrl } from './target';

interface Doc {
  val: number;
  txt: string;
}

/** Timeouts short enough that a refused connection is reported in seconds, unless the URL sets its own. */
function timeouts(url: string): { serverSelectionTimeoutMS?: number; connectTimeoutMS?: number } {
  const given = new Set([...new URL(url).searchParams.keys()].map((k) => k.toLowerCase()));
  return {
    ...(given.has('serverselectiontimeoutms') ? {} : { serverSelectionTimeoutMS: 5000 }),
    ...(given.has('connecttimeoutms') ? {} : { connectTimeoutMS: 5000 }),
  };
}

async function open(t: TargetUrl, pool: number): Promise<MongoClient> {
  await expectServerToWaitAt(t.where, 'MongoDB');
  const c = new (mongodb().MongoClient)(t.url, { maxPoolSize: pool, minPoolSize: pool, ...timeouts(t.url) });
  try {
    await c.connect();
    await c.db(t.database).command({ ping: 1 });
    return c;
  } catch (err) {
    await c.close().catch(() => undefined);
    throw connectError(err, t);
  }
}

class MongoSession implements Session {
  broken = false;
  constructor(private readonly coll: Collection<Doc>) {}
  async insert(val: number, txt: string): Promise<void> {
    await this.coll.insertOne({ val, txt });
  }
  async select(val: number): Promise<number[]> {
    const docs = await this.coll.find({ val }).toArray();
    return docs.map((d) => Number(d.val));
  }
}

export const mongodbDriver: Driver = {
  kind: 'mongodb',
  async admin(t): Promise<Admin> {
    const c = await open(t, 1);
    const db = c.db(t.database);
    return {
      async serverVersion() {
        const info = await db.admin().command({ buildInfo: 1 });
        return `MongoDB ${String(info.version)}`;
      },
      async prepare(table, { index, rows }) {
        await db
          .collection(table)
          .drop()
          .catch(() => undefined);
        const coll = await db.createCollection<Doc>(table);
        if (index) await coll.createIndex({ val: 1 }, { name: `${table}_val` });
        for (let from = 1; from <= rows; from += 1000) {
          const batch: Doc[] = [];
          for (let v = from; v < from + 1000 && v <= rows; v++) batch.push({ val: v, txt: `0 in ${v}` });
          await coll.insertMany(batch, { ordered: false });
        }
      },
      async truncate(table) {
        await db.collection(table).deleteMany({});
      },
      async countRows(table) {
        return db.collection(table).countDocuments();
      },
      async drop(table) {
        await db
          .collection(table)
          .drop()
          .catch(() => undefined);
      },
      async close() {
        await c.close();
      },
    };
  },
  async sessions(t, table, n): Promise<SessionSet> {
    const c = await open(t, n);
    const coll = c.db(t.database).collection<Doc>(table);
    return {
      sessions: Array.from({ length: n }, () => new MongoSession(coll)),
      async close() {
        await c.close();
      },
    };
  },
};
