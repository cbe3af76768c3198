// What of a capture to import, as tcpdump's filters say it for the common cases: packets to or from a host, to or
// from a port (several hosts, or several ports, are alternatives; a host and a port must both match), and a time
// window (absolute, or relative to the capture's first packet). Host and port choose packets before reassembly; the
// window chooses events after it (window.ts), so a connection is followed whole and cut at the window's edges.
import { BlockList, isIP } from 'node:net';
import { UserError } from '../errors';
import { parseDurationMs } from '../units';
import type { Segment } from './packet';

/** A window edge: a wall-clock time (µs since 1970), or a time after the capture's first packet. */
export type TimeBound = { atUs: number; text: string } | { afterStartUs: number; text: string };

export interface CaptureFilter {
  /** IP addresses (v4 or v6); a packet matches when its source or destination is one of them */
  hosts?: string[];
  /** a packet matches when its source or destination port is one of them */
  ports?: number[];
  from?: TimeBound;
  to?: TimeBound;
}

/** How long a capture can be, for `+D` bounds: a year of packets is past any capture this tool reads. */
const MAX_OFFSET_MS = 366 * 86_400_000;

/** `--from`/`--to`: an ISO-8601 time with its zone (2026-01-01T10:00:00Z), or `+D` after the capture's start (+30s). */
export function parseTimeBound(text: string, flag: string): TimeBound {
  const s = text.trim();
  if (s.startsWith('+')) return { afterStartUs: Math.round(parseDurationMs(s.slice(1), flag, { maxMs: MAX_OFFSET_MS }) * 1000), text: s };
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(s)) {
    throw new UserError(
      `${flag}: "${text}" is not a time with its zone (2026-01-01T10:00:00Z, 2026-01-01T12:00:00+02:00) nor +D after the capture's start (+30s, +2m)`,
    );
  }
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new UserError(`${flag}: "${text}" is not a valid time`);
  return { atUs: ms * 1000, text: s };
}

/** A host for --host: an IP address, as tcpdump -n shows it; names are not resolved (a capture holds addresses). */
export function checkHost(text: string, flag = '--host'): string {
  const s = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(s) === 0) throw new UserError(`${flag}: "${text}" is not an IP address (like 10.0.0.5 or ::1); resolve a name first`);
  return s;
}

/** The predicate that keeps a segment, or null when no host or port is asked for. */
export function segmentFilter(f: CaptureFilter): ((s: Segment) => boolean) | null {
  const hosts = f.hosts?.length ? new BlockList() : null;
  for (const h of f.hosts ?? []) hosts?.addAddress(h, isIP(h) === 6 ? 'ipv6' : 'ipv4');
  const ports = f.ports?.length ? new Set(f.ports) : null;
  if (!hosts && !ports) return null;
  const hostIs = (a: string) => {
    const ip = a.startsWith('[') ? a.slice(1, -1) : a;
    return (hosts as BlockList).check(ip, ip.includes(':') ? 'ipv6' : 'ipv4');
  };
  return (s) => (!hosts || hostIs(s.src) || hostIs(s.dst)) && (!ports || ports.has(s.sport) || ports.has(s.dport));
}

/** The window in µs since 1970, once the capture's first packet is known; unbounded sides are ±Infinity. */
export function windowUs(f: CaptureFilter, firstUs: number): { fromUs: number; toUs: number } {
  const at = (b: TimeBound | undefined, none: number) => (b === undefined ? none : 'atUs' in b ? b.atUs : firstUs + b.afterStartUs);
  return { fromUs: at(f.from, -Infinity), toUs: at(f.to, Infinity) };
}

/** The filter in words, for messages: "host 10.0.0.5, port 3306, from +30s to +2m". */
export function describeFilter(f: CaptureFilter): string {
  const parts: string[] = [];
  if (f.hosts?.length) parts.push(`host ${f.hosts.join(' or ')}`);
  if (f.ports?.length) parts.push(`port ${f.ports.join(' or ')}`);
  if (f.from || f.to) parts.push([f.from && `from ${f.from.text}`, f.to && `to ${f.to.text}`].filter(Boolean).join(' '));
  return parts.join(', ');
}
