// One prepared statement on one mysql2 connection, run as a command in mysql2's own command queue: mysql2 frames
// the answer into packets, keeps the sequence ids, decodes error packets into its errors and fails the command if
// the connection drops; the statement reads only the one column it is asked for off each binary row.
//
// Why not connection.execute(sql, values): for every statement mysql2 copies an options object, checks the values,
// queues a Prepare command that finds the statement in its LRU by a key string, parses every column definition
// into a ColumnDefinition, looks up its generated row parser by another key string and builds an object with every
// column of the row. A benchmark measures the database, so its client should cost the least per statement it can
// without changing what the server does: here the statement is prepared once per connection (connection.prepare),
// each run writes one COM_STMT_EXECUTE, the column definitions are parsed on the first run and afterwards only
// compared byte for byte with those, and each row yields the one value. Integers go as INT/BIGINT, as sysbench
// sends them (mysql2 sends a JS number as DOUBLE: MariaDB describes a placeholder as type NULL, so it has no
// hint). The --driver-query flag of `bench` keeps connection.execute, to see what an application's calls cost.
// The gain is small: on this project's 2-core machine, user CPU per select 13 -> 12 µs and 8 clients about 5%
// faster (npm run bench db): most of a statement's client CPU is the kernel's loopback send and receive and Node's
// stream machinery, and the server spends some 45 µs on this select, nearly twice sysbench's point select.
//
// Below mysql2's public API, because it exports neither its Command class nor its packet classes (its package.json
// exports only the entry points): connection.addCommand, the queue every mysql2 call goes through (a command is
// any object with execute(packet, connection) and onResult, which is all mysql2's own Command relies on), the
// Packet readers mysql2 hands a command (peekByte, readLengthCodedNumber, asError) and writePacket, which takes
// any object with buffer, length() and writeHeader(sequenceId). The COM_STMT_EXECUTE packet is written here.
import type { Connection } from 'mysql2';
import { executePacket, MORE_RESULTS, readColumn, rowValue, type Column, type MysqlValue } from './mysql-binary';

export type { MysqlValue } from './mysql-binary';

/** The slice of mysql2's Packet (mysql2/lib/packets/packet.js) a command reads: one whole packet, payload at offset. */
interface InPacket {
  buffer: Buffer;
  offset: number;
  end: number;
  peekByte(): number;
  readLengthCodedNumber(): number | null;
  asError(encoding: string): Error;
}

/** What writePacket needs of a packet: the bytes with 4 bytes of header room, and a way to fill the header in. */
interface OutPacket {
  buffer: Buffer;
  length(): number;
  writeHeader(sequenceId: number): void;
}

/** The slice of mysql2's Connection a command uses (mysql2/lib/base/connection.js). */
interface CommandQueue {
  addCommand(cmd: Command): unknown;
  writePacket(p: OutPacket): void;
  sequenceId: number;
  compressedSequenceId: number;
  clientEncoding: string;
}

class Out implements OutPacket {
  constructor(readonly buffer: Buffer) {}
  length(): number {
    return this.buffer.length;
  }
  writeHeader(sequenceId: number): void {
    this.buffer.writeUIntLE(this.buffer.length - 4, 0, 3);
    this.buffer[3] = sequenceId;
  }
}

/** What mysql2 calls on its current command: execute with each packet (none at the start), onResult on a failure. */
interface Command {
  execute(packet: InPacket | undefined, c: CommandQueue): boolean;
  onResult(err: Error): void;
}

export interface MysqlRun {
  /** the columns the answer's definitions name (none for a statement that returns no rows) */
  columns: string[];
  /** the named column's value in each row, in order */
  values: MysqlValue[];
  /** rows changed, from the OK packet of a statement that returns none */
  affectedRows: number;
}

export class MysqlStatement {
  /** the statement's id on the connection, once prepared */
  private id: number | null = null;
  /** the column definitions of the last answer, as bytes, and as read */
  defs: Buffer[] | null = null;
  columns: Column[] = [];
  /** where the wanted column is among them (-1: not there) */
  at = -1;

  constructor(
    private readonly c: Connection,
    readonly text: string,
    /** the column whose values a run returns (null: none, as for an insert) */
    readonly column: string | null,
  ) {}

  /**
   * Runs the statement once; resolves with the named column of each row. Errors reject with mysql2's error (code
   * such as ER_DUP_ENTRY, errno, sqlState, sqlMessage; fatal set if the connection is lost). A failed prepare is
   * tried again on the next run.
   */
  run(values: readonly MysqlValue[]): Promise<MysqlRun> {
    const id = this.id;
    if (id === null) {
      return this.prepare().then((prepared) => {
        this.id = prepared;
        return this.run(values);
      });
    }
    return new Promise((resolve, reject) => {
      (this.c as unknown as CommandQueue).addCommand(new Run(this, id, values, resolve, reject));
    });
  }

  private prepare(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.c.prepare(this.text, (err, s) => (err ? reject(err) : resolve((s as unknown as { id: number }).id)));
    });
  }

  /** Takes an answer's column definitions (copies of their bytes) as the statement's description. */
  describe(defs: Buffer[], columns: Column[]): void {
    this.defs = defs;
    this.columns = columns;
    this.at = this.column === null ? -1 : columns.findIndex((c) => c.name === this.column);
  }
}

type Step = ((p: InPacket) => Step) | null;

/** One run of a statement, as a mysql2 command: mysql2 calls execute with each packet of the answer. */
class Run implements Command {
  /** what reads the next packet of the answer; null before the run is sent and once it is done */
  private step: Step = null;
  private started = false;
  private settled = false;
  private readonly values: MysqlValue[] = [];
  private affectedRows = 0;
  private count = 0;
  private col = 0;
  /** this answer's column definitions, copied only once they differ from the statement's */
  private fresh: Buffer[] | null = null;
  private encoding = 'utf8';
  /** what went wrong reading the answer: the run rejects with it once the answer is read to its end */
  private problem: Error | null = null;

  constructor(
    private readonly statement: MysqlStatement,
    private readonly id: number,
    private readonly params: readonly MysqlValue[],
    private readonly resolve: (r: MysqlRun) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  execute(p: InPacket | undefined, c: CommandQueue): boolean {
    if (!this.started) {
      // mysql2 calls a command without a packet when its turn comes; it starts its own exchange, so sequence ids
      // begin again at 0
      this.started = true;
      c.sequenceId = 0;
      c.compressedSequenceId = 0;
      this.encoding = c.clientEncoding;
      this.step = this.header;
      try {
        c.writePacket(new Out(executePacket(this.id, this.params)));
      } catch (err) {
        this.onResult(err as Error);
        return true;
      }
      return false;
    }
    if (!p || this.step === null) return this.step === null;
    if (p.peekByte() === 0xff) {
      this.onResult(p.asError(this.encoding));
      return true;
    }
    this.step = this.step.call(this, p);
    return this.step === null;
  }

  /** mysql2 calls this when the connection fails with the command queued or running; error packets come here too. */
  onResult(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }

  private done(): Step {
    this.settled = true;
    const s = this.statement;
    if (this.problem) this.reject(this.problem);
    else this.resolve({ columns: s.columns.map((c) => c.name), values: this.values, affectedRows: this.affectedRows });
    return null;
  }

  private header(p: InPacket): Step {
    if (p.peekByte() === 0x00) {
      p.offset++;
      this.affectedRows += p.readLengthCodedNumber() ?? 0;
      p.readLengthCodedNumber(); // last insert id
      return p.buffer.readUInt16LE(p.offset) & MORE_RESULTS ? this.header : this.done();
    }
    this.count = p.readLengthCodedNumber() ?? 0;
    this.col = 0;
    const known = this.statement.defs;
    this.fresh = known && known.length === this.count ? null : [];
    return this.column;
  }

  private column(p: InPacket): Step {
    const i = this.col++;
    if (this.fresh === null) {
      const known = this.statement.defs![i];
      if (known.length !== p.end - p.offset || p.buffer.compare(known, 0, known.length, p.offset, p.end) !== 0) {
        this.fresh = this.statement.defs!.slice(0, i);
      }
    }
    this.fresh?.push(Buffer.from(p.buffer.subarray(p.offset, p.end)));
    return this.col === this.count ? this.columnsEnd : this.column;
  }

  private columnsEnd(): Step {
    const s = this.statement;
    if (this.fresh) {
      const defs = this.fresh;
      this.fresh = null;
      try {
        s.describe(defs, defs.map(readColumn));
      } catch (err) {
        s.describe([], []);
        this.problem = err as Error;
      }
    }
    if (s.column !== null && s.at < 0) this.problem ??= new Error(`the answer to "${s.text}" has no column "${s.column}"`);
    return this.row;
  }

  private row(p: InPacket): Step {
    const buf = p.buffer;
    if (buf[p.offset] === 0xfe && p.end - p.offset < 9) {
      return buf.readUInt16LE(p.offset + 3) & MORE_RESULTS ? this.header : this.done();
    }
    const s = this.statement;
    if (s.at < 0 || this.problem) return this.row;
    try {
      this.values.push(rowValue(buf, p.offset, s.columns, s.at));
    } catch (err) {
      this.problem = err as Error;
    }
    return this.row;
  }
}
