// mysql:// and mariadb:// through mysql2. Sessions use server-side prepared statements (execute), so every value
// is a bound parameter, as sysbench's point select does.
import { createConnection, type Connection, type RowDataPacket } from 'mysql2';
import { connectError } from './connect-error';
import { openAll, type Admin, type Driver, type Session, type SessionSet, type TargetUrl } from './target';

function open(t: TargetUrl): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const c = createConnection({ uri: t.url, connectTimeout: 10_000 });
    // a connection the server drops later must not crash the process: the session marks itself broken instead
    c.on('error', () => undefined);
    c.connect((err) => (err ? reject(connectError(err, t)) : resolve(c)));
  });
}

function end(c: Connection): Promise<void> {
  return new Promise((resolve) => c.end(() => resolve()));
}

class MysqlSession implements Session {
  broken = false;
  private readonly insertSql: string;
  private readonly selectSql: string;
  constructor(private readonly c: Connection, table: string) {
    this.insertSql = `insert into ${table} (val, txt) values (?, ?)`;
    this.selectSql = `select * from ${table} where val = ?`;
    c.on('error', () => (this.broken = true));
    c.on('end', () => (this.broken = true));
  }
  insert(val: number, txt: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.c.execute(this.insertSql, [val, txt], (err) => (err ? reject(this.mark(err)) : resolve()));
    });
  }
  select(val: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.c.execute<RowDataPacket[]>(this.selectSql, [val], (err, rows) => {
        if (err) reject(this.mark(err));
        else resolve(rows.map((r) => Number(r.val)));
      });
    });
  }
  private mark(err: Error & { fatal?: boolean }): Error {
    if (err.fatal) this.broken = true;
    return err;
  }
}

export const mysqlDriver: Driver = {
  kind: 'mysql',
  async admin(t): Promise<Admin> {
    const conn = await open(t);
    const c = conn.promise();
    return {
      async serverVersion() {
        const [rows] = await c.query<RowDataPacket[]>('select version() as v');
        const v = String(rows[0].v);
        return /mariadb/i.test(v) ? `MariaDB ${v}` : `MySQL ${v}`;
      },
      async prepare(table, { index, rows }) {
        await c.query(`drop table if exists ${table}`);
        await c.query(`create table ${table} (id bigint auto_increment primary key, val int not null, txt varchar(64) not null) engine=InnoDB`);
        if (index) await c.query(`create index ${table}_val on ${table} (val)`);
        for (let from = 1; from <= rows; from += 1000) {
          const batch: [number, string][] = [];
          for (let v = from; v < from + 1000 && v <= rows; v++) batch.push([v, `0 in ${v}`]);
          await c.query(`insert into ${table} (val, txt) values ?`, [batch]);
        }
        await c.query(`analyze table ${table}`);
      },
      async truncate(table) {
        await c.query(`truncate table ${table}`);
      },
      async countRows(table) {
        const [r] = await c.query<RowDataPacket[]>(`select count(*) as n from ${table}`);
        return Number(r[0].n);
      },
      async drop(table) {
        await c.query(`drop table if exists ${table}`);
      },
      async close() {
        await end(conn);
      },
    };
  },
  async sessions(t, table, n): Promise<SessionSet> {
    const conns = await openAll(n, () => open(t), end);
    return {
      sessions: conns.map((c) => new MysqlSession(c, table)),
      async close() {
        await Promise.all(conns.map(end));
      },
    };
  },
};
