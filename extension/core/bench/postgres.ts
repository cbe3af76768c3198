// postgres:// and postgresql:// through pg. Sessions run named prepared statements, parsed once per connection, as
// pgbench -M prepared does: by default through PgStatement (described once, then Bind/Execute/Sync), or with
// driverQuery through pg's ordinary client.query, which also describes every run and builds a Result.
import type { Client } from 'pg';
import { pg } from '../drivers';
import { connectError } from './connect-error';
import { PgStatement } from './pg-statement';
import { openAll, type Admin, type Driver, type Session, type SessionSet, type TargetUrl } from './target';

async function open(t: TargetUrl): Promise<Client> {
  const c = new (pg().Client)({ connectionString: t.url, connectionTimeoutMillis: 10_000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return c;
  } catch (err) {
    await c.end().catch(() => undefined);
    throw connectError(err, t);
  }
}

/** The session's two statements on a table: their prepared names and texts, the same on either path. */
function statementsOn(table: string) {
  return {
    insert: { name: `ir_insert_${table}`, text: `insert into ${table} (val, txt) values ($1, $2)` },
    select: { name: `ir_select_${table}`, text: `select * from ${table} where val = $1` },
  };
}

/** Each row's val, read from the column the statement's description names val. */
function valsOf(columns: string[], rows: unknown[][]): number[] {
  const at = columns.indexOf('val');
  return rows.map((row) => Number(row[at]));
}

/** What both paths share: a session is broken once its connection errs or ends. */
abstract class PgSession {
  broken = false;
  constructor(protected readonly c: Client) {
    c.on('error', () => (this.broken = true));
    c.on('end', () => (this.broken = true));
  }
}

class LeanSession extends PgSession implements Session {
  private readonly insertS: PgStatement;
  private readonly selectS: PgStatement;
  constructor(c: Client, table: string) {
    super(c);
    const s = statementsOn(table);
    this.insertS = new PgStatement(c, s.insert.name, s.insert.text);
    this.selectS = new PgStatement(c, s.select.name, s.select.text);
  }
  async insert(val: number, txt: string): Promise<void> {
    await this.insertS.run([String(val), txt]);
  }
  async select(val: number): Promise<number[]> {
    const r = await this.selectS.run([String(val)]);
    return valsOf(r.columns, r.rows);
  }
}

class QuerySession extends PgSession implements Session {
  private readonly s: ReturnType<typeof statementsOn>;
  constructor(c: Client, table: string) {
    super(c);
    this.s = statementsOn(table);
  }
  // the callback form: pg's promise form adds two promises and a stack capture per statement
  insert(val: number, txt: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.c.query({ ...this.s.insert, values: [val, txt] }, (err) => (err ? reject(err) : resolve()));
    });
  }
  select(val: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.c.query<unknown[]>({ ...this.s.select, values: [val], rowMode: 'array' }, (err, r) => {
        if (err) return reject(err);
        resolve(
          valsOf(
            r.fields.map((f) => f.name),
            r.rows,
          ),
        );
      });
    });
  }
}

export const postgresDriver: Driver = {
  kind: 'postgres',
  async admin(t): Promise<Admin> {
    const c = await open(t);
    return {
      async serverVersion() {
        const r = await c.query<{ v: string }>("select current_setting('server_version') as v");
        return `PostgreSQL ${r.rows[0].v}`;
      },
      async prepare(table, { index, rows }) {
        await c.query(`drop table if exists ${table}`);
        await c.query(`create table ${table} (id bigserial primary key, val integer not null, txt varchar(64) not null)`);
        if (index) await c.query(`create index ${table}_val on ${table} (val)`);
        await c.query(`insert into ${table} (val, txt) select g, '0 in ' || g from generate_series(1, $1::int) g`, [rows]);
        await c.query(`analyze ${table}`);
      },
      async truncate(table) {
        await c.query(`truncate table ${table}`);
      },
      async countRows(table) {
        const r = await c.query<{ n: string }>(`select count(*) as n from ${table}`);
        return Number(r.rows[0].n);
      },
      async drop(table) {
        await c.query(`drop table if exists ${table}`);
      },
      async close() {
        await c.end();
      },
    };
  },
  async sessions(t, table, n, opts): Promise<SessionSet> {
    const conns = await openAll(
      n,
      () => open(t),
      (c) => c.end(),
    );
    return {
      sessions: conns.map((c) => (opts.driverQuery ? new QuerySession(c, table) : new LeanSession(c, table))),
      async close() {
        await Promise.all(conns.map((c) => c.end().catch(() => undefined)));
      },
    };
  },
};
