// The tracker's metadata in memory: domains, keys and their file ids, as MogileFS keeps them in its database.
// Plain synchronous data; the server puts the configurable slow-down in front of it.

export interface FileRecord {
  fid: number;
  key: string;
  size: number;
  devids: number[];
}

export class MetadataStore {
  private readonly domains = new Map<string, Map<string, FileRecord>>();
  private readonly open = new Map<number, { domain: string; key: string }>();
  private nextFid = 1;

  createDomain(domain: string): boolean {
    if (this.domains.has(domain)) return false;
    this.domains.set(domain, new Map());
    return true;
  }

  domainNames(): string[] {
    return [...this.domains.keys()].sort();
  }

  hasDomain(domain: string): boolean {
    return this.domains.has(domain);
  }

  createOpen(domain: string, key: string): number {
    const fid = this.nextFid++;
    this.open.set(fid, { domain, key });
    return fid;
  }

  createClose(domain: string, fid: number, key: string, size: number, devid: number): boolean {
    const o = this.open.get(fid);
    if (!o || o.domain !== domain || o.key !== key) return false;
    this.open.delete(fid);
    this.domains.get(domain)?.set(key, { fid, key, size, devids: [devid, devid === 1 ? 2 : 1] });
    return true;
  }

  get(domain: string, key: string): FileRecord | undefined {
    return this.domains.get(domain)?.get(key);
  }

  delete(domain: string, key: string): boolean {
    return this.domains.get(domain)?.delete(key) ?? false;
  }

  rename(domain: string, from: string, to: string): 'ok' | 'unknown_key' | 'key_exists' {
    const files = this.domains.get(domain);
    const rec = files?.get(from);
    if (!files || !rec) return 'unknown_key';
    if (files.has(to)) return 'key_exists';
    files.delete(from);
    files.set(to, { ...rec, key: to });
    return 'ok';
  }

  listKeys(domain: string, prefix: string, after: string, limit: number): string[] {
    const keys = [...(this.domains.get(domain)?.keys() ?? [])].filter((k) => k.startsWith(prefix) && k > after).sort();
    return keys.slice(0, limit);
  }

  get fileCount(): number {
    let n = 0;
    for (const d of this.domains.values()) n += d.size;
    return n;
  }
}

/** The storage paths a tracker hands out for a file id: MogileFS's zero-padded layout on two devices. */
export function pathsFor(rec: FileRecord, storage = 'http://127.0.0.1:7500'): string[] {
  const f = String(rec.fid).padStart(10, '0');
  const dir = `${f.slice(0, 1)}/${f.slice(1, 4)}/${f.slice(4, 7)}`;
  return rec.devids.map((d) => `${storage}/dev${d}/${dir}/${f}.fid`);
}

/** The file id in a storage path, or null. */
export function fidOfPath(path: string): number | null {
  const m = /\/(\d{10})\.fid$/.exec(path);
  return m ? Number(m[1]) : null;
}
