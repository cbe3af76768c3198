// PostgreSQL: relation sizes (pg_table_size: heap, TOAST, free space and visibility maps; pg_indexes_size) of the
// URL's database against shared_buffers (or the machine's memory, which the OS page cache can use); page faults
// = blocks read from outside shared buffers per second. One server is one shard.
import { totalmem } from 'node:os';
import { pg } from '../../drivers';
import { connectError } from '../../bench/connect-error';
import type { TargetUrl } from '../../bench/target';
import { formatSize } from '../units';
import { CounterRate, machineMemory, type MetricsSource, type Row, type SourceOptions } from './source';

export async function openPostgresSource(t: TargetUrl, o: SourceOptions): Promise<MetricsSource> {
  const c = new (pg().Client)({ connectionString: t.url, connectionTimeoutMillis: 10_000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
  } catch (err) {
    await c.end().catch(() => undefined);
    throw connectError(err, t);
  }
  const host = new URL(t.url).hostname;
  const reads = new CounterRate();
  const shard = o.shard ?? t.where;
  let first = true;
  return {
    where: t.where,
    async sample(tSec): Promise<Row[]> {
      const r = (
        await c.query(
          `select coalesce(sum(pg_table_size(c.oid)), 0)::text as d, coalesce(sum(pg_indexes_size(c.oid)), 0)::text as i,
                coalesce(sum(greatest(c.reltuples, 0)), 0)::text as r,
                pg_size_bytes(current_setting('shared_buffers'))::text as sb,
                pg_size_bytes(current_setting('effective_cache_size'))::text as ec,
                (select blks_read from pg_stat_database where datname = current_database())::text as br
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
            and n.nspname not like 'pg_toast%' and c.relname like $1`,
          [o.tables ?? '%'],
        )
      ).rows[0] as Record<string, string>;
      const sb = Number(r.sb);
      const ram = o.ram.kind === 'bytes' ? o.ram.bytes : o.ram.kind === 'machine' ? machineMemory(host, totalmem(), t.where) : sb;
      const data = Number(r.d);
      const docs = Math.round(Number(r.r));
      const row: Row = {
        sample: {
          tSec,
          shard,
          dataBytes: data,
          indexBytes: Number(r.i),
          ramBytes: ram,
          pageFaultsPerS: reads.rate(tSec, Number(r.br)),
          docs,
          avgDocBytes: docs > 0 ? Math.round(data / docs) : undefined,
        },
        note: null,
      };
      if (first) {
        first = false;
        const against = o.ram.kind === 'buffer' ? 'shared_buffers' : o.ram.kind === 'machine' ? 'machine memory' : '--ram';
        row.note = {
          tSec,
          shard,
          text: `collector: ${t.where} database ${t.database}${o.tables ? ` tables like ${o.tables}` : ''}; RAM = ${formatSize(ram)} (${against}); shared_buffers ${formatSize(sb, 'iec')}, effective_cache_size ${formatSize(Number(r.ec), 'iec')}`,
        };
      }
      return [row];
    },
    async close() {
      await c.end().catch(() => undefined);
    },
  };
}
