// Which protocol a connection speaks, when a transcript's header does not say: from the first bytes of each
// direction (a MySQL server greeting, a Postgres startup code, a MongoDB header's opCode, a RESP array, a tracker
// line, an HTTP request or status line), and failing that from the server's well-known port. The bytes win over the
// port.

/** a tracker command without arguments: one of MogileFS's own command names alone on its line */
const TRACKER_LINE = /^(?:noop|get_domains|get_hosts|get_devices|list_fids|replicate_now|clear_cache|!\w+)\r?\n/i;
const PG_CODES = new Set([196608, 80877103, 80877104, 80877102]);
const MONGO_REQUEST_OPS = new Set([2013, 2004, 2012]);
const MONGO_REPLY_OPS = new Set([2013, 1, 2012]);

export interface DetectInput {
  firstC2S?: Buffer;
  firstS2C?: Buffer;
  port?: number;
}

/**
 * The wire protocols in the order their first bytes are tried, each with its well-known ports: the one table of
 * which protocol a connection speaks. Order matters where two could read the same bytes: a MongoDB header first (its
 * little-endian length has a 0 high byte and its requestID may start with 10, which a MySQL greeting check alone
 * would take for sequence 0 and protocol version 10); HTTP before the tracker line (`GET /x?a=b HTTP/1.1` reads like a
 * tracker command with an argument); a RESP reply alone last.
 */
export const WIRE_PROTOCOLS: ReadonlyArray<{
  name: string;
  ports: readonly number[];
  byBytes: (c: Buffer | undefined, s: Buffer | undefined, port: number | undefined) => boolean;
}> = [
  { name: 'mongodb', ports: [27017], byBytes: (c, s) => (!!c && isMongoHeader(c, MONGO_REQUEST_OPS)) || (!!s && isMongoHeader(s, MONGO_REPLY_OPS)) },
  { name: 'mysql', ports: [3306], byBytes: (_c, s) => !!s && isMysqlGreeting(s) },
  { name: 'postgres', ports: [5432], byBytes: (c) => !!c && isPostgresStartup(c) },
  {
    name: 'http',
    ports: [80, 8000, 8008, 8080, 8081, 8888],
    byBytes: (c, s) => (!!c && isHttpRequest(c)) || (!!s && /^HTTP\/1\.[01] \d{3}[ \r\n]/.test(s.toString('latin1', 0, 16))),
  },
  { name: 'redis', ports: [6379], byBytes: (c) => !!c && /^\*\d{1,9}\r\n\$/.test(c.toString('latin1', 0, 16)) },
  {
    name: 'mogilefs',
    ports: [7001],
    byBytes: (c) => !!c && (/^[a-z_!][a-z0-9_]* \S*=/i.test(c.toString('latin1', 0, 64)) || TRACKER_LINE.test(c.toString('latin1', 0, 64))),
  },
  // a RESP reply alone (the command's bytes missed) tells Redis only on its port, or beside an array command
  { name: 'redis', ports: [], byBytes: (c, s, port) => !!s && isRespReply(s) && (port === 6379 || (!!c && /^\*\d/.test(c.toString('latin1', 0, 4)))) },
];

const PORTS = new Map(WIRE_PROTOCOLS.flatMap((p) => p.ports.map((port) => [port, p.name] as const)));

/** The well-known port of a protocol (its first), for a URL that names none. */
export function defaultPort(name: string): number | undefined {
  return WIRE_PROTOCOLS.find((p) => p.name === name && p.ports.length > 0)?.ports[0];
}

/** Every port a server of ours is known on, and TLS's and memcached's: what marks a captured connection's server side. */
export function knownServerPorts(): number[] {
  return [...PORTS.keys(), 443, 11211];
}

export function detectProtocol(input: DetectInput): string | null {
  for (const p of WIRE_PROTOCOLS) if (p.byBytes(input.firstC2S, input.firstS2C, input.port)) return p.name;
  return input.port !== undefined ? (PORTS.get(input.port) ?? null) : null;
}

function isRespReply(s: Buffer): boolean {
  return /^[+\-:$*%>_#,(!=|]/.test(s.toString('latin1', 0, 1)) && /\r\n/.test(s.toString('latin1', 0, 256)) && !/^(OK|ERR)\b/.test(s.toString('latin1', 0, 3));
}

/**
 * An HTTP/1.x request line (`METHOD SP target SP HTTP/1.x`); when the first bytes hold no whole line, a well-known
 * method and the start of a target (a Redis inline `GET key` has no `/` there, and ends its line without HTTP/1.x).
 */
function isHttpRequest(b: Buffer): boolean {
  const head = b.toString('latin1', 0, Math.min(b.length, 512));
  const nl = head.indexOf('\n');
  if (nl >= 0) return /^[A-Z][A-Z0-9_-]{0,23} \S+ HTTP\/1\.[01]\r?$/.test(head.slice(0, nl));
  return /^(?:GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|TRACE) (?:\/|\*|https?:\/\/)/.test(head);
}

/** A TLS handshake record (a ClientHello) as a connection's first bytes: content type 22, version 3.x. */
export function isTlsHello(b: Buffer): boolean {
  return b.length >= 3 && b[0] === 0x16 && b[1] === 0x03 && b[2] <= 0x04;
}

/**
 * One connection's protocol, as the analyzer, the recorder's masking and the importer all tell it: from its own first
 * bytes each way; then 'tls' for a TLS hello; then, once `settled` (as much seen as will be looked at), from its
 * server's port. A protocol name, 'tls', null when nothing tells, or undefined while more bytes might still tell.
 */
export function tellConnection(input: DetectInput, settled: boolean): string | null | undefined {
  const byBytes = detectProtocol({ firstC2S: input.firstC2S, firstS2C: input.firstS2C });
  if (byBytes) return byBytes;
  if (input.firstC2S && isTlsHello(input.firstC2S)) return 'tls';
  return settled ? detectProtocol(input) : undefined;
}

/** A MySQL packet with sequence id 0 carrying protocol version 10 (or an ERR sent instead: too many connections). */
function isMysqlGreeting(b: Buffer): boolean {
  if (b.length < 5 || b[3] !== 0) return false;
  const len = b.readUIntLE(0, 3);
  if (b[4] === 0xff) return len >= 3 && len < 1024;
  return b[4] === 10 && len >= 20 && len < 1024 && b.indexOf(0, 5) > 5;
}

function isPostgresStartup(b: Buffer): boolean {
  if (b.length < 8) return false;
  const len = b.readInt32BE(0);
  return len >= 8 && len <= 10000 && PG_CODES.has(b.readInt32BE(4));
}

function isMongoHeader(b: Buffer, ops: Set<number>): boolean {
  if (b.length < 16) return false;
  const len = b.readInt32LE(0);
  return len >= 16 && len <= 48 * 1024 * 1024 && ops.has(b.readInt32LE(12));
}
