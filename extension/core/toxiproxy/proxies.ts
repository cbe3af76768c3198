// Toxiproxy's proxies, each a recording proxy of ours under a name: created, changed, taken down and deleted as the
// API says, each recording its own transcript in the output folder, named after it (`redis.transcript.jsonl`; a name
// used again after a delete gets `redis-2.transcript.jsonl`, as a transcript is never overwritten). The transcript of
// a deleted proxy stays known by its name, for its verdict.
import { join } from 'node:path';
import { formatHostPort, parseHostPort } from '../address';
import { UserError } from '../errors';
import { startRecorder, type Recorder } from '../record/proxy';
import { TranscriptExistsError } from '../transcript/writer';
import { isObject } from '../transcript/format';
import { ApiError, badBody, missingField, proxyExists, proxyNotFound } from './errors';
import { toxicJson, type ToxicJson } from './toxics';

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

export interface NamedProxy {
  name: string;
  /** the upstream as given (Toxiproxy keeps a host name as it was written) */
  upstream: string;
  recorder: Recorder;
}

export interface CollectionOptions {
  outDir: string;
  protocol?: string;
  keepAuth?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export class ProxyCollection {
  private readonly proxies = new Map<string, NamedProxy>();
  /** the last transcript of each name, live or closed */
  private readonly files = new Map<string, string>();

  constructor(private readonly opts: CollectionOptions) {}

  list(): NamedProxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): NamedProxy {
    const p = this.proxies.get(name);
    if (!p) throw proxyNotFound();
    return p;
  }

  /** The transcript a name records (or last recorded) to, and its recorder while it runs. */
  transcript(name: string): { file: string; recorder: Recorder | null } {
    const file = this.files.get(name);
    if (!file) throw proxyNotFound();
    return { file, recorder: this.proxies.get(name)?.recorder ?? null };
  }

  async create(body: unknown): Promise<NamedProxy> {
    const input = proxyInput(body);
    if (this.proxies.has(input.name)) throw proxyExists();
    return this.start(input);
  }

  /** POST /proxies/{name}: fields given replace those set; a new listen or upstream restarts it. */
  async update(name: string, body: unknown): Promise<NamedProxy> {
    const p = this.get(name);
    if (!isObject(body)) throw badBody('expected a JSON object');
    const listen = typeof body.listen === 'string' && body.listen !== '' ? body.listen : undefined;
    const upstream = typeof body.upstream === 'string' && body.upstream !== '' ? body.upstream : undefined;
    const moveTo: { listen?: string; target?: string } = {};
    if (listen !== undefined && listen !== listenOf(p)) moveTo.listen = listen;
    if (upstream !== undefined && upstream !== p.upstream) moveTo.target = upstream;
    await asApiError(async () => {
      if (moveTo.listen !== undefined || moveTo.target !== undefined) await p.recorder.move(moveTo);
      if (typeof body.enabled === 'boolean') await p.recorder.setEnabled(body.enabled);
    });
    if (upstream !== undefined) p.upstream = upstream;
    return p;
  }

  async remove(name: string): Promise<void> {
    const p = this.get(name);
    this.proxies.delete(name);
    await p.recorder.close();
  }

  /** POST /populate: creates each proxy, or replaces one of the same name whose listen or upstream differs. */
  async populate(body: unknown): Promise<{ proxies: NamedProxy[]; error?: ApiError }> {
    if (!Array.isArray(body)) throw badBody('expected a JSON array of proxies');
    const inputs = body.map((b, i) => proxyInput(b, ` at proxy ${i + 1}`));
    const done: NamedProxy[] = [];
    try {
      for (const input of inputs) {
        const existing = this.proxies.get(input.name);
        if (existing && listenOf(existing) === formatHostPort(parseHostPort(input.listen, 'listen')) && existing.upstream === input.upstream) {
          done.push(existing);
          continue;
        }
        if (existing) await this.remove(input.name);
        done.push(await this.start(input));
      }
    } catch (err) {
      if (err instanceof ApiError) return { proxies: done, error: err };
      throw err;
    }
    return { proxies: done };
  }

  /** POST /reset: every proxy up, every toxic gone. */
  async reset(): Promise<void> {
    for (const p of this.proxies.values()) {
      await asApiError(() => p.recorder.setEnabled(true));
      p.recorder.faults.clear();
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.proxies.keys()];
    for (const name of all) await this.remove(name);
  }

  json(p: NamedProxy): ProxyJson {
    return { name: p.name, listen: listenOf(p), upstream: p.upstream, enabled: p.recorder.enabled, toxics: p.recorder.faults.all.map(toxicJson) };
  }

  private async start(input: ProxyInput): Promise<NamedProxy> {
    const base = input.name.replace(/[^A-Za-z0-9._-]/g, '_');
    for (let n = 1; ; n++) {
      const out = join(this.opts.outDir, `${base}${n > 1 ? `-${n}` : ''}.transcript.jsonl`);
      try {
        const recorder = await asApiError(() =>
          startRecorder({
            listen: input.listen,
            target: input.upstream,
            out,
            enabled: input.enabled,
            protocol: this.opts.protocol,
            keepAuth: this.opts.keepAuth,
            seed: this.opts.seed,
            frameAnswers: true,
            source: { tool: 'incident-replay serve', proxy: input.name },
            log: this.opts.log ? (line) => this.opts.log?.(`${input.name}: ${line}`) : undefined,
          }),
        );
        const p: NamedProxy = { name: input.name, upstream: input.upstream, recorder };
        this.proxies.set(input.name, p);
        this.files.set(input.name, recorder.file);
        return p;
      } catch (err) {
        if (!(err instanceof ApiError && err.cause instanceof TranscriptExistsError)) throw err;
      }
    }
  }
}

function listenOf(p: NamedProxy): string {
  return formatHostPort(p.recorder.address);
}

function proxyInput(body: unknown, where = ''): ProxyInput {
  if (!isObject(body)) throw badBody(`expected a JSON object${where}`);
  if (typeof body.name !== 'string' || body.name === '') throw missingField(`name${where}`);
  if (typeof body.upstream !== 'string' || body.upstream === '') throw missingField(`upstream${where}`);
  if (body.listen !== undefined && typeof body.listen !== 'string') throw badBody(`"listen" is not a string${where}`);
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') throw badBody(`"enabled" is not true or false${where}`);
  // Toxiproxy listens on every interface for an empty listen; this proxy listens on loopback
  const listen = typeof body.listen === 'string' && body.listen !== '' ? body.listen : '127.0.0.1:0';
  return { name: body.name, listen, upstream: body.upstream, enabled: body.enabled !== false };
}

/** A user's mistake (a bad address, a port in use, a non-loopback listen) as the API's 400 or 409. */
async function asApiError<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof UserError) {
      // a port in use is a server error in Toxiproxy (500); a malformed or non-loopback address is the request's (400)
      const e = new ApiError(err.message, /address already in use/.test(err.message) ? 500 : 400);
      e.cause = err;
      throw e;
    }
    throw err;
  }
}
