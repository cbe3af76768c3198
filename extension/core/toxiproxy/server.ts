// Toxiproxy's HTTP API (README "HTTP API"), served with node:http so that Toxiproxy's client libraries drive the
// recording proxy unchanged: proxies and their toxics, /populate, /reset, /version, with Toxiproxy's JSON shapes and
// status codes. One endpoint is ours: GET /proxies/{name}/verdict, the analysis of that proxy's traffic so far.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { formatHostPort, isLoopback, parseHostPort, type HostPort } from '../address';
import { describeNetError, UserError } from '../errors';
import { ApiError, badBody, toxicExists, toxicNotFound } from './errors';
import { ProxyCollection, type CollectionOptions } from './proxies';
import { toxicFromJson, toxicJson, toxicUpdate } from './toxics';
import { verdictOf } from './verdict';
import { FaultNameError } from '../record/fault-set';

export const API_VERSION = 'incident-replay';
const MAX_BODY = 1 << 20;

export interface ApiServer {
  address: HostPort;
  proxies: ProxyCollection;
  close(): Promise<void>;
}

export interface ApiOptions extends CollectionOptions {
  listen: string;
  allowRemote?: boolean;
}

export async function startApi(opts: ApiOptions): Promise<ApiServer> {
  const at = parseHostPort(opts.listen, '--api');
  if (!isLoopback(at.host) && !opts.allowRemote)
    throw new UserError(`--api ${opts.listen}: not a loopback address; the API listens on loopback unless told --allow-remote`);
  const proxies = new ProxyCollection(opts);
  const server = createServer((req, res) => {
    handle(proxies, req, res).catch((err: unknown) => {
      const e = err instanceof ApiError ? err : new ApiError(err instanceof Error ? err.message : String(err), 500);
      if (!(err instanceof ApiError)) opts.log?.(`${req.method} ${req.url}: ${e.message}`);
      send(res, e.status, e);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new UserError(describeNetError(err, `--api ${formatHostPort(at)}`))));
    server.listen(at.port, at.host, () => resolve());
  });
  const bound = server.address() as { address: string; port: number };
  return {
    address: { host: bound.address, port: bound.port },
    proxies,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await proxies.closeAll();
    },
  };
}

async function handle(proxies: ProxyCollection, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // as Toxiproxy: a browser's request is refused, so that no web page can drive the proxies on this machine
  if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) return send(res, 403, { error: 'User agent not allowed', status: 403 });
  const url = new URL(req.url ?? '/', 'http://api');
  const path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = req.method === 'PATCH' ? 'POST' : (req.method ?? 'GET');
  const route = `${method} /${path.map((p, i) => (i % 2 === 1 ? '*' : p)).join('/')}`;
  const [, name, , toxic] = path;
  switch (route) {
    case 'GET /version':
      return send(res, 200, { version: API_VERSION });
    case 'POST /reset':
      await proxies.reset();
      return send(res, 204);
    case 'GET /proxies':
      return send(res, 200, Object.fromEntries(proxies.list().map((p) => [p.name, proxies.json(p)])));
    case 'POST /proxies':
      return send(res, 201, proxies.json(await proxies.create(await body(req))));
    case 'POST /populate': {
      const r = await proxies.populate(await body(req));
      const list = r.proxies.map((p) => proxies.json(p));
      return r.error ? send(res, r.error.status, { ...r.error.toJSON(), proxies: list }) : send(res, 201, { proxies: list });
    }
    case 'GET /proxies/*':
      return send(res, 200, proxies.json(proxies.get(name)));
    case 'POST /proxies/*':
      return send(res, 200, proxies.json(await proxies.update(name, await body(req))));
    case 'DELETE /proxies/*':
      await proxies.remove(name);
      return send(res, 204);
    case 'GET /proxies/*/verdict': {
      const { file, recorder } = proxies.transcript(name);
      return send(res, 200, await verdictOf(name, file, recorder));
    }
    case 'GET /proxies/*/toxics':
      return send(res, 200, proxies.get(name).recorder.faults.all.map(toxicJson));
    case 'POST /proxies/*/toxics': {
      const faults = proxies.get(name).recorder.faults;
      const t = toxicFromJson(await body(req));
      if (faults.find(t.name)) throw toxicExists();
      // Toxiproxy answers a new toxic with 200, not 201
      return send(res, 200, toxicJson(faults.add(t.spec, t.name)));
    }
    case 'GET /proxies/*/toxics/*': {
      const f = proxies.get(name).recorder.faults.find(toxic);
      if (!f) throw toxicNotFound();
      return send(res, 200, toxicJson(f));
    }
    case 'POST /proxies/*/toxics/*': {
      const faults = proxies.get(name).recorder.faults;
      const f = faults.find(toxic);
      if (!f) throw toxicNotFound();
      return send(res, 200, toxicJson(faults.update(toxic, toxicUpdate(f, await body(req)))));
    }
    case 'DELETE /proxies/*/toxics/*':
      try {
        proxies.get(name).recorder.faults.remove(toxic);
      } catch (err) {
        throw err instanceof FaultNameError ? toxicNotFound() : err;
      }
      return send(res, 204);
    default:
      return send(res, isKnownPath(path) ? 405 : 404, { error: `${req.method} ${url.pathname}: no such endpoint`, status: isKnownPath(path) ? 405 : 404 });
  }
}

function isKnownPath(path: string[]): boolean {
  return ['version', 'reset', 'proxies', 'populate'].includes(path[0] ?? '') && path.length <= 4;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw badBody(`longer than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badBody((err as Error).message);
  }
}

function send(res: ServerResponse, status: number, value?: unknown): void {
  if (res.headersSent) return;
  if (value === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
