// From a captured frame to a TCP segment: the link layers tcpdump writes (Ethernet with VLAN tags, Linux cooked
// v1/v2, BSD loopback, raw IP), IPv4 and IPv6, then TCP. Anything else (UDP, ARP, IP fragments) is not a segment.

export interface Segment {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  /** the acknowledgment number (meaningful when `ack` is set): the next byte the sender expects from its peer */
  ackNo: number;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  payload: Buffer;
}

const ETH = 1;
const NULL_LOOPBACK = 0;
const RAW = new Set([101, 12, 14]);
const SLL = 113;
const SLL2 = 276;

export function segmentOf(linkType: number, frame: Buffer): Segment | null {
  let ip: Buffer | null = null;
  if (linkType === ETH) {
    let o = 12;
    let type = frame.length >= 14 ? frame.readUInt16BE(o) : 0;
    while ((type === 0x8100 || type === 0x88a8) && frame.length >= o + 6) {
      o += 4;
      type = frame.readUInt16BE(o);
    }
    ip = type === 0x0800 || type === 0x86dd ? frame.subarray(o + 2) : null;
  } else if (linkType === SLL) {
    ip = frame.length >= 16 && [0x0800, 0x86dd].includes(frame.readUInt16BE(14)) ? frame.subarray(16) : null;
  } else if (linkType === SLL2) {
    ip = frame.length >= 20 && [0x0800, 0x86dd].includes(frame.readUInt16BE(0)) ? frame.subarray(20) : null;
  } else if (linkType === NULL_LOOPBACK) {
    ip = frame.length >= 4 ? frame.subarray(4) : null;
  } else if (RAW.has(linkType) || linkType === 228 || linkType === 229) {
    ip = frame;
  }
  if (!ip || ip.length < 1) return null;
  const version = ip[0] >> 4;
  if (version === 4) return ipv4(ip);
  if (version === 6) return ipv6(ip);
  return null;
}

function ipv4(ip: Buffer): Segment | null {
  if (ip.length < 20) return null;
  const ihl = (ip[0] & 0x0f) * 4;
  const total = Math.min(ip.readUInt16BE(2) || ip.length, ip.length);
  const fragment = ip.readUInt16BE(6) & 0x3fff; // more-fragments flag or an offset
  if (ip[9] !== 6 || fragment !== 0 || ihl < 20 || total < ihl) return null;
  const src = `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const dst = `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`;
  return tcp(src, dst, ip.subarray(ihl, total));
}

function ipv6(ip: Buffer): Segment | null {
  if (ip.length < 40) return null;
  let next = ip[6];
  let o = 40;
  const end = Math.min(40 + ip.readUInt16BE(4), ip.length);
  // hop-by-hop, routing and destination options precede TCP; a fragment header means a fragment
  while (next === 0 || next === 43 || next === 60) {
    if (o + 2 > end) return null;
    next = ip[o];
    o += (ip[o + 1] + 1) * 8;
  }
  if (next !== 6) return null;
  return tcp(v6(ip.subarray(8, 24)), v6(ip.subarray(24, 40)), ip.subarray(o, end));
}

function v6(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return `[${parts.join(':')}]`;
}

function tcp(src: string, dst: string, t: Buffer): Segment | null {
  if (t.length < 20) return null;
  const off = (t[12] >> 4) * 4;
  if (off < 20 || off > t.length) return null;
  const flags = t[13];
  return {
    src,
    dst,
    sport: t.readUInt16BE(0),
    dport: t.readUInt16BE(2),
    seq: t.readUInt32BE(4),
    ackNo: t.readUInt32BE(8),
    fin: (flags & 0x01) !== 0,
    syn: (flags & 0x02) !== 0,
    rst: (flags & 0x04) !== 0,
    ack: (flags & 0x10) !== 0,
    payload: t.subarray(off),
  };
}
