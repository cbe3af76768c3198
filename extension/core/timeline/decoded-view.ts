// How a decoded database message reads best in the details pane: the statement, its bound parameters, and result
// rows as a table, taken from the decoders' own fields (mysql: sql/params, RESULTSET columns/rows; postgres: the
// Query/Parse/Bind messages, columns/rows per result; mongodb: the command document and the cursor's batch).
// Pure: fields in, a small view out; the flat field table stays as it is beside it.

export interface ResultTable {
  columns: string[];
  rows: string[][];
  /** rows the server sent (the decoders keep only the first ones) */
  rowCount: number;
}

export interface DecodedView {
  statement?: string;
  parameters?: string[];
  tables?: ResultTable[];
}

const MAX_ROWS = 200;
const MAX_COLUMNS = 50;
const MAX_CELL = 500;
const MAX_TABLES = 10;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function cell(v: unknown): string {
  const s = v === null ? 'NULL' : typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}

function table(columns: unknown, rows: unknown, rowCount: unknown): ResultTable | null {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) return null;
  const width = Math.min(MAX_COLUMNS, Math.max(Array.isArray(columns) ? columns.length : 0, ...rows.map((r: unknown[]) => r.length)));
  const names = Array.from({ length: width }, (_, i) => (Array.isArray(columns) && typeof columns[i] === 'string' ? (columns[i] as string) : `#${i + 1}`));
  return {
    columns: names,
    rows: (rows as unknown[][]).slice(0, MAX_ROWS).map((r) => names.map((_, i) => (i < r.length ? cell(r[i]) : ''))),
    rowCount: typeof rowCount === 'number' ? rowCount : rows.length,
  };
}

/** Documents (mongodb) as a table: the keys of the first documents as columns. */
function documentTable(docs: unknown[]): ResultTable {
  const keys: string[] = [];
  for (const d of docs.slice(0, MAX_ROWS)) if (isObj(d)) for (const k of Object.keys(d)) if (!keys.includes(k) && keys.length < MAX_COLUMNS) keys.push(k);
  return { columns: keys, rows: docs.slice(0, MAX_ROWS).map((d) => keys.map((k) => (isObj(d) && k in d ? cell(d[k]) : ''))), rowCount: docs.length };
}

function resultTables(f: Obj): ResultTable[] {
  const parts = Array.isArray(f.results) ? f.results.filter(isObj) : [f];
  const out: ResultTable[] = [];
  for (const p of parts.slice(0, MAX_TABLES)) {
    if (!('rows' in p)) continue;
    const t = table(p.columns, p.rows, p.rowCount);
    if (t && (t.columns.length > 0 || t.rowCount > 0)) out.push(t);
  }
  return out;
}

function postgresRequest(messages: unknown[], v: DecodedView): void {
  for (const m of messages) {
    if (!isObj(m)) continue;
    if ((m.type === 'Query' || m.type === 'Parse') && typeof m.query === 'string' && m.query !== '') v.statement ??= m.query;
    if (m.type === 'Bind' && Array.isArray(m.params)) v.parameters ??= m.params.map((p, i) => `$${i + 1} = ${cell(p)}`);
  }
}

function mongodb(f: Obj, v: DecodedView): void {
  const body = f.body;
  if (!isObj(body)) return;
  const cursor = body.cursor;
  if (isObj(cursor)) {
    const batch = Array.isArray(cursor.firstBatch) ? cursor.firstBatch : Array.isArray(cursor.nextBatch) ? cursor.nextBatch : null;
    if (batch) v.tables = [documentTable(batch)];
    return;
  }
  const command = Object.keys(body)[0];
  if (!command || command === 'ok') return;
  v.statement = `${command} ${cell(body[command])}`;
  const params: string[] = [];
  for (const k of ['filter', 'query', 'update', 'updates', 'deletes', 'pipeline', 'projection', 'sort', 'limit'])
    if (k in body) params.push(`${k} = ${cell(body[k])}`);
  if (Array.isArray(f.sequences))
    for (const s of f.sequences) if (isObj(s) && Array.isArray(s.documents)) params.push(`${String(s.identifier)} = ${cell(s.documents)}`);
  if (params.length) v.parameters = params;
}

export function decodedView(fields: unknown): DecodedView | null {
  if (!isObj(fields)) return null;
  const v: DecodedView = {};
  if (typeof fields.sql === 'string') v.statement = fields.sql;
  if (Array.isArray(fields.params)) v.parameters = fields.params.map((p, i) => `?${i + 1} = ${cell(p)}`);
  if (Array.isArray(fields.messages)) postgresRequest(fields.messages, v);
  if (typeof fields.opCode === 'string' || typeof fields.opCode === 'number') mongodb(fields, v);
  const tables = resultTables(fields);
  if (tables.length) v.tables = tables;
  return v.statement !== undefined || v.parameters !== undefined || v.tables !== undefined ? v : null;
}
