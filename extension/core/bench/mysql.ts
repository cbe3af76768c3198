// mysql:// and mariadb:// through mysql2. Sessions run server-side prepared statements, prepared once per
// connection, so every value is a bound parameter, as sysbench's point select does: by default through
// MysqlStatement (one COM_STMT_EXECUTE a run, only the val column read off a row), or with driverQuery through
// mysql2's ordinary connection.execute, which also builds every column of every row.
import type { Connection, RowDataPacket } from 'mysql2';
import { mysql2 } from '../drivers';
import { connectError } from './connect-error';
import { MysqlStatement } from './mysql-statement';
import { openAll, type Admin, type Driver, type Session, type SessionSet, type TargetUrl } from './target';

function open(t: TargetUrl): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const c = mysql2().createConnection({ uri: t.url, connectTimeout: 10_000 });
    // a connection the server drops later must not crash the process: the session marks itself broken instead
    c.on('error', () => undefined);
    c.connect((err) => (err ? reject(connectError(err, t)) : resolve(c)));
  });
}

function end(c: Connection): Promise<void> {
  return new Promise((resolve) => c.end(() => resolve()));
}

/** The session's two statements on a table, the same on either path. */
function statementsOn(table: string) {
  return { insert: `insert into ${table} (val, txt) values (?, ?)`, select: `select * from ${table} where val = ?` };
}

/** What both paths share: a session is broken once its connection errs or ends, or a statement fails fatally. */
abstract class MysqlSession {
  broken = false;
  constructor(protected readonly c: Connection) {
    c.on('error', () => (this.broken = true));
    c.on('end', () => (this.broken = true));
  }
  protected mark(err: unknown): unknown {
    if ((err as { fatal?: boolean })?.fatal) this.broken = true;
    return err;
  }
}

class LeanSession extends MysqlSession implements Session {
  private readonly insertS: MysqlStatement;
  private readonly selectS: MysqlStatement;
  constructor(c: Connection, table: string) {
    super(c);
    const s = statementsOn(table);
    this.insertS = new MysqlStatement(c, s.insert, null);
    this.selectS = new MysqlStatement(c, s.select, 'val');
  }
  async insert(val: number, txt: string): Promise<void> {
    try {
      await this.insertS.run([val, txt]);
    } catch (err) {
      throw this.mark(err);
    }
  }
  async select(val: number): Promise<number[]> {
    try {
      return (await this.selectS.run([val])).values.map(Number);
    } catch (err) {
      throw this.mark(err);
    }
  }
}

class ExecuteSession extends MysqlSession implements Session {
  private readonly s: ReturnType<typeof statementsOn>;
  constructor(c: Connection, table: string) {
    super(c);
    this.s = statementsOn(table);
  }
  insert(val: number, txt: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.c.execute(this.s.insert, [val, txt], (err) => (err ? reject(this.mark(err)) : resolve()));
    });
  }
  select(val: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.c.execute<RowDataPacket[]>(this.s.select, [val], (err, rows) => {
        if (err) reject(this.mark(err));
        else resolve(rows.map((r) => Number(r.val)));
      });
    });
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
  async sessions(t, table, n, opts): Promise<SessionSet> {
    const conns = await openAll(n, () => open(t), end);
    return {
      sessions: conns.map((c) => (opts.driverQuery ? new ExecuteSession(c, table) : new LeanSession(c, table))),
      async close() {
        await Promise.all(conns.map(end));
      },
    };
  },
};
