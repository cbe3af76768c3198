// PostgreSQL (protocol 3.0): a request is a startup-phase message, a password/SASL message, a simple query, or an
// extended-query run up to its Sync; each is answered in order (FIFO) up to ReadyForQuery. Clients such as pg wait
// for each answer before the next request.
import type { Protocol } from '../types';
import { PgMaskFramer } from './mask-framer';
import { redactPostgres } from './redact';
import { PostgresSession } from './session';

export { PostgresSession } from './session';
export { redactPostgres } from './redact';
export { CODE as POSTGRES_CODE } from './framing';

export const postgres: Protocol = {
  name: 'postgres',
  pairing: 'fifo',
  session: () => new PostgresSession(),
  maskSession: () => new PgMaskFramer(),
  redact: redactPostgres,
};
