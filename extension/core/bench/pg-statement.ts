// One prepared statement on one pg connection, run through pg's Submittable interface (client.query(obj): the
// interface pg-cursor and pg-query-stream are built on), with pg's own connection, serializer and parser.
//
// Why not client.query({name, text, values}): pg's Query sends Bind, Describe, Execute and Sync for every run and
// builds a Result (field list, type parsers, row objects) from the RowDescription each time. A benchmark measures
// the database, so its client should cost the least per statement it can without changing what the server does
// for the statement itself: here the statement is parsed and described once per connection, then each run is one
// write of Bind, Execute and Sync, and the answer is read off the DataRow fields by the column the Describe named.
// On this project's 2-core machine that moves 8 clients from 34k to 46k selects/s (npm run bench db); the
// --driver-query flag of `bench` keeps pg's ordinary Query path, to see what an application's calls cost.
//
// A run after the first is the three messages in one buffer and one socket write (bindExecuteSync below), not three
// of pg's serialized buffers corked into a writev: the write is most of the client's time per statement here, and
// Node's writev path (a request per write, an array of chunks) costs more than one plain write.
import type { Client, Submittable } from 'pg';

/** The slice of pg's Connection that a Submittable uses (pg/lib/connection.js). */
interface PgConnection {
  stream: { cork?: () => void; uncork?: () => void; writable: boolean; write(b: Buffer): boolean };
  parse(q: { name: string; text: string; types: number[] }): void;
  bind(q: { statement: string; values: (string | null)[] }): void;
  describe(q: { type: 'S' | 'P'; name: string }): void;
  execute(q: { portal: string; rows: number }): void;
  sync(): void;
}

interface FieldsMessage {
  fields: { name: string }[];
}
interface DataRowMessage {
  fields: (string | null)[];
}

export class PgStatement {
  /** the described columns, set once the server has parsed and described the statement on this connection */
  columns: string[] | null = null;
  /** the name it is prepared under; a first run that failed may have left it parsed, so the next try takes another */
  name: string;
  private tries = 0;

  constructor(
    private readonly client: Client,
    private readonly baseName: string,
    readonly text: string,
  ) {
    this.name = baseName;
  }

  /**
   * Runs the statement once with text parameters; resolves with the rows as text fields, in the order of the
   * statement's columns. Errors reject with pg's DatabaseError (code, severity, message) or the socket's error.
   */
  run(values: (string | null)[]): Promise<{ columns: string[]; rows: (string | null)[][] }> {
    return new Promise((resolve, reject) => {
      // pg's typings declare submit(connection: Connection) with a Connection class of their own; a Run uses only
      // the methods of PgConnection
      this.client.query(new Run(this, values, resolve, reject) as unknown as Submittable);
    });
  }

  /** A first run failed: whatever the server kept of it, the next run parses under a new name. */
  rename(): void {
    this.name = `${this.baseName}_${++this.tries}`;
  }
}

/** One run of a statement, as pg's Submittable: pg calls submit, then hands it the answer's messages. */
class Run {
  private readonly rows: (string | null)[][] = [];
  private failed = false;
  /** the statement's columns, or those its first run's RowDescription names */
  private columns: string[] | null;
  /** the first run on the connection parses and describes; the name is fixed when the run is made */
  private readonly first: boolean;
  private readonly name: string;

  constructor(
    private readonly statement: PgStatement,
    private readonly values: (string | null)[],
    private readonly resolve: (r: { columns: string[]; rows: (string | null)[][] }) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.columns = statement.columns;
    this.first = statement.columns === null;
    this.name = statement.name;
  }

  submit(c: PgConnection): null {
    if (!this.first) {
      // as pg's Connection writes: nothing once the stream is closed (the connection's error reaches the run)
      if (c.stream.writable) c.stream.write(bindExecuteSync(this.name, this.values));
      return null;
    }
    c.stream.cork?.();
    try {
      c.parse({ name: this.name, text: this.statement.text, types: [] });
      c.describe({ type: 'S', name: this.name });
      c.bind({ statement: this.name, values: this.values });
      c.execute({ portal: '', rows: 0 });
      c.sync();
    } finally {
      c.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(m: FieldsMessage): void {
    this.columns = m.fields.map((f) => f.name);
  }

  handleDataRow(m: DataRowMessage): void {
    this.rows.push(m.fields);
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(): void {}

  // pg forgets the active query on an error message, so the ReadyForQuery that follows never reaches it: settle
  // here (the Sync already sent brings the connection back to idle)
  handleError(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    if (this.first) this.statement.rename();
    this.reject(err);
  }

  handleReadyForQuery(): void {
    if (this.failed) return;
    const columns = this.columns ?? [];
    if (this.first) this.statement.columns = columns;
    this.resolve({ columns, rows: this.rows });
  }
}

/**
 * Bind (the unnamed portal, statement `name`, every parameter as text, results as text), Execute (all rows) and Sync,
 * in one buffer: the bytes pg's own serializer writes for them (PostgreSQL's "Message Formats").
 */
export function bindExecuteSync(name: string, values: (string | null)[]): Buffer {
  const n = values.length;
  let params = 0;
  for (const v of values) params += 4 + (v === null ? 0 : Buffer.byteLength(v));
  // portal "" and name, each ended by a zero; n format codes (text); n parameters; one result format code (text)
  const bindLength = 4 + 1 + Buffer.byteLength(name) + 1 + 2 + 2 * n + 2 + params + 2 + 2;
  const out = Buffer.allocUnsafe(1 + bindLength + EXECUTE_SYNC.length);
  out[0] = 0x42; // 'B'
  let at = out.writeInt32BE(bindLength, 1);
  out[at++] = 0;
  at += out.write(name, at);
  out[at++] = 0;
  at = out.writeInt16BE(n, at);
  out.fill(0, at, at + 2 * n);
  at = out.writeInt16BE(n, at + 2 * n);
  for (const v of values) {
    if (v === null) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    const bytes = out.write(v, at + 4);
    at = out.writeInt32BE(bytes, at) + bytes;
  }
  at = out.writeInt16BE(1, at);
  at = out.writeInt16BE(0, at);
  EXECUTE_SYNC.copy(out, at);
  return out;
}

/** Execute (portal "", no row limit) then Sync: the same bytes for every run */
const EXECUTE_SYNC = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4]);
