// MySQL and MariaDB: packets with sequence ids; one client command, then its whole answer, in order on each
// connection (FIFO). Clients such as mysql2 wait for each answer before the next command.
import type { Protocol } from '../types';
import { redactMysql } from './redact';
import { MysqlSession } from './session';

export { PacketFramer, joinPayloads, type Packet } from './framing';
export { MysqlSession } from './session';
export { redactMysql } from './redact';
export { CAP } from './handshake';
export { COM } from './command';

export const mysql: Protocol = {
  name: 'mysql',
  pairing: 'fifo',
  session: () => new MysqlSession(),
  redact: redactMysql,
};
