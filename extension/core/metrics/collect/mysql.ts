// MySQL/MariaDB: table and index sizes from information_schema (InnoDB refreshes them with its statistics)
// against innodb_buffer_pool_size; resident = Innodb_buffer_pool_bytes_data; page faults = buffer pool reads
// from disk per second. One server is one shard.
import { totalmem } from 'node:os';
import type { RowDataPacket } from 'mysql2/promise';
import { mysql2Promise } from '../../drivers';
import { connectError } from '../../bench/connect-error';
import type { TargetUrl } from '../../bench/target';
import { formatSize } from '../units';
import { CounterRate, machineMemory, type MetricsSource, type Row, type SourceOptions } from './source';

export async function openMysqlSource(t: TargetUrl, o: SourceOptions): Promise<MetricsSource> {
  let c;
  try {
    c = await mysql2Promise().createConnection({ uri: t.url, connectTimeout: 10_000 });
  } catch (err) {
    throw connectError(err, t);
  }
  c.on('error', () => undefined);
  const host = new URL(t.url).hostname;
  const reads = new CounterRate();
  const shard = o.shard ?? t.where;
  let first = true;
  const one = async <T extends RowDataPacket>(sql: string, args: unknown[] = []) => (await c.query<T[]>(sql, args))[0][0];
  return {
    where: t.where,
    async sample(tSec): Promise<Row[]> {
      const pool = Number((await one('select @@innodb_buffer_pool_size as b, version() as v')).b);
      const sizes = await one(
        `select coalesce(sum(data_length),0) as d, coalesce(sum(index_length),0) as i, coalesce(sum(data_free),0) as f,
                coalesce(sum(table_rows),0) as r
           from information_schema.tables
          where table_schema = ? and table_type = 'BASE TABLE' and table_name like ?`,
        [t.database, o.tables ?? '%'],
      );
      const status = (
        await c.query<RowDataPacket[]>("show global status where Variable_name in ('Innodb_buffer_pool_bytes_data', 'Innodb_buffer_pool_reads')")
      )[0];
      const stat = (n: string) => {
        const r = status.find((x) => String(x.Variable_name) === n);
        return r ? Number(r.Value) : undefined;
      };
      const ram = o.ram.kind === 'bytes' ? o.ram.bytes : o.ram.kind === 'machine' ? machineMemory(host, totalmem(), t.where) : pool;
      const data = Number(sizes.d);
      const docs = Number(sizes.r);
      const row: Row = {
        sample: {
          tSec,
          shard,
          dataBytes: data,
          indexBytes: Number(sizes.i),
          storageBytes: data + Number(sizes.i) + Number(sizes.f),
          ramBytes: ram,
          residentBytes: stat('Innodb_buffer_pool_bytes_data'),
          pageFaultsPerS: reads.rate(tSec, stat('Innodb_buffer_pool_reads')),
          docs,
          avgDocBytes: docs > 0 ? Math.round(data / docs) : undefined,
        },
        note: null,
      };
      if (first) {
        first = false;
        const against = o.ram.kind === 'buffer' ? 'innodb_buffer_pool_size' : o.ram.kind === 'machine' ? 'machine memory' : '--ram';
        row.note = {
          tSec,
          shard,
          text: `collector: ${t.where} database ${t.database}${o.tables ? ` tables like ${o.tables}` : ''}; RAM = ${formatSize(ram)} (${against}); innodb_buffer_pool_size ${formatSize(pool, 'iec')}`,
        };
      }
      return [row];
    },
    async close() {
      await c.end().catch(() => undefined);
    },
  };
}
