// The tracker's commands: a parsed request in, the response text out (one `OK …`/`ERR …` line, or an admin
// block ended by `.`), as the MogileFS tracker answers them.
import { encodeArgs, type TrackerRequest } from '../protocols/mogilefs';
import { pathsFor, type MetadataStore } from './store';

export const METADATA_COMMANDS = new Set(['create_domain', 'get_domains', 'create_open', 'create_close', 'get_paths', 'delete', 'rename', 'list_keys']);

export interface TrackerCounters {
  connections: number;
  requests: number;
  startedAt: number;
}

const ok = (args: Record<string, string | number> = {}) => `OK ${encodeArgs(args)}\r\n`;
const err = (code: string, description: string) => `ERR ${code} ${encodeURIComponent(description)}\r\n`;

export function handleCommand(store: MetadataStore, req: TrackerRequest, counters: TrackerCounters): string {
  const a = req.args;
  if (req.command.startsWith('!')) return admin(req.command, store, counters);
  if (req.command === 'noop') return ok();
  if (!METADATA_COMMANDS.has(req.command)) return err('unknown_command', `Unknown server command: ${req.command}`);
  if (req.command === 'get_domains') {
    const names = store.domainNames();
    const args: Record<string, string | number> = { domains: names.length };
    names.forEach((d, i) => {
      args[`domain${i + 1}`] = d;
      args[`domain${i + 1}classes`] = 1;
      args[`domain${i + 1}class1name`] = 'default';
      args[`domain${i + 1}class1mindevcount`] = 2;
    });
    return ok(args);
  }
  const domain = a.domain;
  if (!domain) return err('no_domain', 'No domain provided');
  if (req.command === 'create_domain') return store.createDomain(domain) ? ok({ domain }) : err('domain_exists', 'That domain already exists');
  if (!store.hasDomain(domain)) return err('unreg_domain', 'Domain name invalid/not found');
  switch (req.command) {
    case 'create_open': {
      if (!a.key) return err('no_key', 'No key specified');
      const fid = store.createOpen(domain, a.key);
      const [path] = pathsFor({ fid, key: a.key, size: 0, devids: [1] });
      return ok({ fid, devid: 1, path });
    }
    case 'create_close': {
      const fid = Number(a.fid);
      const ok2 = Number.isInteger(fid) && store.createClose(domain, fid, a.key ?? '', Number(a.size ?? 0), Number(a.devid ?? 1));
      return ok2 ? ok() : err('none_match', 'No matching open file for fid and key');
    }
    case 'get_paths': {
      if (!a.key) return err('no_key', 'No key specified');
      const rec = store.get(domain, a.key);
      if (!rec) return err('unknown_key', 'unknown_key');
      const paths = pathsFor(rec);
      const args: Record<string, string | number> = { paths: paths.length };
      paths.forEach((p, i) => (args[`path${i + 1}`] = p));
      return ok(args);
    }
    case 'delete':
      if (!a.key) return err('no_key', 'No key specified');
      return store.delete(domain, a.key) ? ok() : err('unknown_key', 'unknown_key');
    case 'rename': {
      const r = store.rename(domain, a.from_key ?? '', a.to_key ?? '');
      return r === 'ok' ? ok() : err(r, r);
    }
    case 'list_keys': {
      const limit = Math.min(Math.max(Number(a.limit ?? 1000) || 1000, 1), 1000);
      const keys = store.listKeys(domain, a.prefix ?? '', a.after ?? '', limit);
      if (keys.length === 0) return err('none_match', 'No keys match that pattern and after-value (if any).');
      const args: Record<string, string | number> = { key_count: keys.length, next_after: keys[keys.length - 1] };
      keys.forEach((k, i) => (args[`key_${i + 1}`] = k));
      return ok(args);
    }
    default:
      return err('unknown_command', `Unknown server command: ${req.command}`);
  }
}

function admin(command: string, store: MetadataStore, counters: TrackerCounters): string {
  switch (command) {
    case '!version':
      return 'incident-replay-tracker 0.1.0\r\n.\r\n';
    case '!stats':
      return [
        `uptime ${Math.round((Date.now() - counters.startedAt) / 1000)}`,
        `connections ${counters.connections}`,
        `requests ${counters.requests}`,
        `files ${store.fileCount}`,
        `domains ${store.domainNames().length}`,
        '.',
        '',
      ].join('\r\n');
    default:
      return `Unknown command: ${command}\r\n.\r\n`;
  }
}
