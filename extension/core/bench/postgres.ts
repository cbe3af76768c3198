// postgres:// and postgresql:// through pg. Sessions run named prepared statements, parsed once per connection, as
// pgbench -M prepared does: by default through PgStatement (described once, then Bind/Execute/Sync), or with
// driverQuery through pg's ordinary client.query, which also describes every run and builds a Result.
import { Client } from 'pg';
import { connectError } from './connect-error';
import { PgStatement } from './pg-statement';
import { openAll, type Admin, type Driver, type Session, type SessionSet, type TargetUrl } from './target';

async function open(t: TargetUrl): Promise<Client> {
  const c = new Client({ connectionString: t.url, connectionTimeoutMillis: 10_000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return c;
  } catch (err) {
    await c.end().catch(() => undefined);
    throw connectError(err, t);
  }
}

/** The column an answer's val is read from, by the statement's described columns. */
function valsOf(columns: string[], rows: (string | null)[][]): number[] {
  const at = columns.indexOf('val');
  return rows.map((row) => Number(row[at]));
}

class LeanSession implements Session {
  broken = false;
  private readonly insertS: PgStatement;
  private readonly selectS: PgStatement;
  constructor(c: Client, table: string) {
    this.insertS = new PgStatement(c, `ir_insert_${table}`, `insert into ${table} (val, txt) values ($1, $2)`);
    this.selectS = new PgStatement(c, `ir_select_${table}`, `select * from ${table} where val = $1`);
    c.on('error', () => (this.broken = true));
    c.on('end', () => (this.broken = true));
  }
  async insert(val: number, txt: string): Promise<void> {
    await this.insertS.run([String(val), txt]);
  }
  async select(val: number): Promise<number[]> {
    const r = await this.selectS.run([String(val)]);
    return valsOf(r.columns, r.rows);
  }
}

class QuerySession implements Session {
  broken = false;
  private readonly insertQ: { name: string; text: string };
  private readonly selectQ: { name: string; text: string };
  constructor(private readonly c: Client, table: string) {
    this.insertQ = { name: `ir_insert_${table}`, text: `insert into ${table} (val, txt) values ($1, $2)` };
    this.selectQ = { name: `ir_select_${table}`, text: `select * from ${table} where val = $1` };
    c.on('error', () => (this.broken = true));
    c.on('end', () => (this.broken = true));
  }
  // the callback form: pg's promise form adds two promises and a stack capture per statement
  insert(val: number, txt: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.c.query({ name: this.insertQ.name, text: this.insertQ.text, values: [val, txt] }, (err) => (err ? reject(err) : resolve()));
    });
  }
  select(val: number): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.c.query<number[]>({ name: this.selectQ.name, text: this.selectQ.text, values: [val], rowMode: 'array' }, (err, r) => {
        if (err) return reject(err);
        const at = r.fields.findIndex((f) => f.name === 'val');
        resolve(r.rows.map((row) => Number(row[at])));
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
    const conns = await openAll(n, () => open(t), (c) => c.end());
    return {
      sessions: conns.map((c) => (opts.driverQuery ? new QuerySession(c, table) : new LeanSession(c, table))),
      async close() {
        await Promise.all(conns.map((c) => c.end().catch(() => undefined)));
      },
    };
  },
};
