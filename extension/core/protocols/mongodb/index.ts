// MongoDB: every message has a header with its own requestID and, for a reply, the responseTo of the request it
// answers, so pairing is by id and replies may arrive in any order. Documents are decoded with `bson`.
import type { Protocol } from '../types';
import { redactMongo } from './redact';
import { MongoSession } from './session';

export { MongoSession } from './session';
export { redactMongo } from './redact';
export { crc32c } from './crc32c';
export { OP, FLAG, parseMessage } from './decode';

export const mongodb: Protocol = {
  name: 'mongodb',
  pairing: 'id',
  session: () => new MongoSession(),
  redact: redactMongo,
};
