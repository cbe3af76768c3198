// host:port parsing for listen and target addresses, and the loopback rule for listeners.
import { isIP } from 'node:net';
import { UserError } from './errors';

export interface HostPort {
  host: string;
  port: number;
}

/** The port at the end of a `host:port` as a transcript or a capture writes it; undefined when there is none. */
export function portOf(hostPort: unknown): number | undefined {
  return typeof hostPort === 'string' ? Number(/:(\d+)$/.exec(hostPort)?.[1]) || undefined : undefined;
}

/** Parses `host:port`, `[::1]:port` or a bare `port` (meaning 127.0.0.1). */
export function parseHostPort(s: string, what: string): HostPort {
  const text = s.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw new UserError(`${what}: "${s}" is a URL; give host:port (like 127.0.0.1:3306)`);
  let host = '127.0.0.1';
  let port: string;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (v6) {
    host = v6[1];
    port = v6[2];
  } else if (/^\d+$/.test(text)) {
    port = text;
  } else {
    const i = text.lastIndexOf(':');
    if (i <= 0) throw new UserError(`${what}: "${s}" is not host:port`);
    host = text.slice(0, i);
    port = text.slice(i + 1);
    if (/[\s/@]/.test(host)) throw new UserError(`${what}: "${s}" is not host:port`);
  }
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535) throw new UserError(`${what}: "${s}" has no valid port (0-65535)`);
  return { host, port: n };
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

export function formatHostPort(a: HostPort): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
