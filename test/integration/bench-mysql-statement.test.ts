// The bench's lean MariaDB path against the real server: a MysqlStatement reads the same values as mysql2's own
// execute (whatever the columns before the one it reads hold: NULLs, text, 64-bit numbers), is prepared once per
// connection, follows the table when its columns change, and a statement that fails rejects with the server's code
// and leaves the statement and the connection working; --driver-query keeps mysql2's execute, with the same results.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2';
import { MysqlStatement, type MysqlValue } from '../../extension/core/bench/mysql-statement';
import { executePacket } from '../../extension/core/bench/mysql-binary';
import { mysqlDriver } from '../../extension/core/bench/mysql';
import { parseTargetUrl } from '../../extension/core/bench/target';
import { MARIADB_URL, requireServer, testTable } from '../helpers/bench-db';

function connect(): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const c = createConnection({ uri: MARIADB_URL });
    c.on('error', () => undefined);
    c.connect((err) => (err ? reject(err) : resolve(c)));
  });
}

function query<T = RowDataPacket[]>(c: Connection, sql: string): Promise<T> {
  return new Promise((resolve, reject) => c.query(sql, (err, r) => (err ? reject(err) : resolve(r as T))));
}

/** The named column of each row, as mysql2's execute reads it (BIGINT beyond 2^53 as text, as MysqlStatement). */
function viaExecute(c: Connection, sql: string, values: MysqlValue[], column: string): Promise<MysqlValue[]> {
  return new Promise((resolve, reject) => {
    c.execute<RowDataPacket[]>({ sql, values, supportBigNumbers: true }, (err, rows) =>
      err ? reject(err) : resolve(rows.map((r) => r[column] as MysqlValue)),
    );
  });
}

async function sessionCounter(c: Connection, name: string): Promise<number> {
  const rows = await query(c, `show session status like '${name}'`);
  return Number(rows[0].Value);
}

describe('MysqlStatement against MariaDB', () => {
  let c: Connection;
  before(async () => {
    await requireServer('MariaDB', MARIADB_URL);
    c = await connect();
  });
  after(async () => {
    await new Promise<void>((r) => (c ? c.end(() => r()) : r()));
  });

  test('reads each column as mysql2 execute does, past NULLs, text and 64-bit numbers, with one prepare per connection', async () => {
    const table = testTable('mystmt');
    await query(
      c,
      `create table ${table} (id bigint auto_increment primary key, a varchar(20) null, b int null, big bigint unsigned null, f double null, val int not null, t text null, s smallint)`,
    );
    try {
      await query(
        c,
        `insert into ${table} (a, b, big, f, val, t, s) values ('x', null, 18446744073709551615, 1.5, 1, 'one', -2), (null, 5, 42, null, 2, null, 7), ('${'é'.repeat(20)}', -7, null, -0.25, 2, '${'long '.repeat(100)}', 0)`,
      );
      const sql = `select * from ${table} where val = ? order by id`;
      const before = await sessionCounter(c, 'Com_stmt_prepare');
      for (const column of ['id', 'a', 'b', 'big', 'f', 'val', 't', 's']) {
        const s = new MysqlStatement(c, sql, column);
        for (const v of [1, 2, 3]) {
          const r = await s.run([v]);
          assert.deepEqual(r.values, await viaExecute(c, sql, [v], column), `${column} where val = ${v}`);
          assert.deepEqual(r.columns, ['id', 'a', 'b', 'big', 'f', 'val', 't', 's']);
        }
      }
      // mysql2 keeps one prepared statement per text and connection: the execute calls above share it
      assert.equal((await sessionCounter(c, 'Com_stmt_prepare')) - before, 1, 'prepared once on this connection');
    } finally {
      await query(c, `drop table if exists ${table}`);
    }
  });

  test('a failed statement rejects with the server code and the statement and connection keep working, before and after it was prepared', async () => {
    const table = testTable('myerr');
    await query(c, `drop table if exists ${table}`);
    const ins = new MysqlStatement(c, `insert into ${table} (val, txt) values (?, ?)`, null);
    const sel = new MysqlStatement(c, `select val from ${table} where val = ?`, 'val');
    try {
      await assert.rejects(
        sel.run([1]),
        (e: { code?: string; errno?: number }) => e.code === 'ER_NO_SUCH_TABLE' && e.errno === 1146,
        'no table yet: rejected at prepare',
      );
      await query(c, `create table ${table} (val int primary key, txt varchar(64) not null)`);
      assert.deepEqual(await ins.run([1, 'first']), { columns: [], values: [], affectedRows: 1 });
      await assert.rejects(
        ins.run([1, 'again']),
        (e: { code?: string; sqlState?: string }) => e.code === 'ER_DUP_ENTRY' && e.sqlState === '23000',
        'a duplicate key: rejected at execute',
      );
      await assert.rejects(ins.run([2, null]), (e: { code?: string }) => e.code === 'ER_BAD_NULL_ERROR', 'NULL into a NOT NULL column');
      assert.deepEqual((await sel.run([1])).values, [1], 'the prepared select still reads its row');
      assert.deepEqual(await ins.run([2, 'second']), { columns: [], values: [], affectedRows: 1 }, 'the insert works again');
      await query(c, `drop table ${table}`);
      await assert.rejects(sel.run([1]), (e: { code?: string }) => e.code === 'ER_NO_SUCH_TABLE', 'table gone after prepare: rejected at execute');
      assert.deepEqual(await query(c, 'select 1 as one'), [{ one: 1 }], 'the connection answers queries');
    } finally {
      await query(c, `drop table if exists ${table}`);
    }
  });

  test('when the table changes under a prepared statement, the new column definitions are read and the right column found', async () => {
    const table = testTable('myalt');
    await query(c, `create table ${table} (id int primary key, val int not null)`);
    try {
      await query(c, `insert into ${table} values (10, 1), (20, 2)`);
      const s = new MysqlStatement(c, `select * from ${table} where id >= ? order by id`, 'val');
      assert.deepEqual(await s.run([20]), { columns: ['id', 'val'], values: [2], affectedRows: 0 });
      await query(c, `alter table ${table} add column note varchar(30) default 'a note before val' first`);
      assert.deepEqual(await s.run([10]), { columns: ['note', 'id', 'val'], values: [1, 2], affectedRows: 0 });
      await query(c, `alter table ${table} change val v int not null`);
      await assert.rejects(s.run([10]), /has no column "val"/, 'a column that is gone is an error, not an empty answer');
      assert.deepEqual(await query(c, 'select 1 as one'), [{ one: 1 }]);
    } finally {
      await query(c, `drop table if exists ${table}`);
    }
  });

  test('a connection the server kills fails the run with a fatal error, which is what marks a session broken', async () => {
    const own = await connect();
    const s = new MysqlStatement(own, 'select 1 as val from dual where ? > 0', 'val');
    assert.deepEqual((await s.run([1])).values, [1]);
    await query(c, `kill connection ${own.threadId}`);
    await assert.rejects(s.run([1]), (e: { fatal?: boolean }) => e.fatal === true);
    own.destroy();
  });

  test('the default path and --driver-query read the same rows and write the same inserts', async () => {
    const table = testTable('mypath');
    const t = parseTargetUrl(MARIADB_URL);
    const a = await mysqlDriver.admin(t);
    try {
      const seen: number[][][] = [];
      for (const driverQuery of [false, true]) {
        await a.prepare(table, { index: true, rows: 50 });
        const set = await mysqlDriver.sessions(t, table, 1, { driverQuery });
        const s = set.sessions[0];
        const got: number[][] = [];
        for (let v = 1; v <= 51; v++) got.push(await s.select(v));
        await s.insert(7, 'again');
        got.push(await s.select(7));
        await assert.rejects(
          s.insert(2 ** 31, 'too big'),
          (e: { code?: string }) => e.code === 'ER_WARN_DATA_OUT_OF_RANGE',
          'an int out of range, strict mode',
        );
        assert.equal(s.broken, false);
        await set.close();
        assert.equal(await a.countRows(table), 51);
        seen.push(got);
      }
      assert.deepEqual(seen[0], [...Array.from({ length: 50 }, (_, i) => [i + 1]), [], [7, 7]]);
      assert.deepEqual(seen[1], seen[0]);
    } finally {
      await a.drop(table);
      await a.close();
    }
  });
});

test('COM_STMT_EXECUTE: integers as INT, then BIGINT past 32 bits, other numbers as DOUBLE, text length-coded, NULL in the bitmap', () => {
  const p = executePacket(0x01020304, [7, 2 ** 40, 0.5, 'hé', null]);
  const hex = p.subarray(4).toString('hex');
  assert.equal(hex.slice(0, 20), '17' + '04030201' + '00' + '01000000', 'command, statement id, no cursor, 1 iteration');
  assert.equal(hex.slice(20, 24), '10' + '01', 'NULL bitmap (5th parameter), new-params-bound');
  assert.equal(hex.slice(24, 44), '0300' + '0800' + '0500' + 'fd00' + '0600', 'LONG, LONGLONG, DOUBLE, VAR_STRING, NULL');
  assert.equal(hex.slice(44), '07000000' + '0000000000010000' + '000000000000e03f' + '03' + Buffer.from('hé').toString('hex'));
  assert.equal(p.length, 4 + hex.length / 2);
});
