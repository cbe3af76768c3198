// Guessing the protocol of a connection from its first bytes (real first bytes of mysql2, pg and ioredis sessions,
// driver-shaped MongoDB messages, a tracker line) and, when the bytes say nothing, from the port.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import Redis from 'ioredis';
import mysql2 from 'mysql2/promise';
import pg from 'pg';
import { detectProtocol } from '../../extension/core/protocols';
import { requireService, startRelay, type Chunk } from '../helpers/capture';
import { opMsg, opQuery, opReply } from '../helpers/opmsg';

async function firstBytes(port: number, talk: (relayPort: number) => Promise<void>): Promise<{ firstC2S?: Buffer; firstS2C?: Buffer }> {
  const relay = await startRelay(port);
  await talk(relay.port);
  await relay.close();
  const first = (dir: Chunk['dir']): Buffer | undefined => relay.chunks.find((c) => c.dir === dir)?.bytes;
  return { firstC2S: first('c2s'), firstS2C: first('s2c') };
}

describe('protocol detection', () => {
  const seen: Record<string, { firstC2S?: Buffer; firstS2C?: Buffer }> = {};
  before(async () => {
    await requireService('MariaDB', 3306, '`sudo service mariadb start`');
    await requireService('PostgreSQL', 5432, '`sudo service postgresql start`');
    await requireService('Redis', 6379, '`sudo service redis-server start`');
    seen.mysql = await firstBytes(3306, async (port) => (await mysql2.createConnection({ host: '127.0.0.1', port, user: 'root' })).end());
    seen.postgres = await firstBytes(5432, async (port) => {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'root', database: 'test' });
      await c.connect();
      await c.end();
    });
    seen.redis = await firstBytes(6379, async (port) => {
      const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
      await r.connect();
      await r.quit();
    });
  });

  it('knows each real client and server by its first bytes, whatever the port', () => {
    for (const [name, first] of Object.entries(seen)) {
      assert.equal(detectProtocol({ ...first, port: 9999 }), name, name);
      assert.equal(detectProtocol({ ...first }), name, `${name} without a port`);
    }
    assert.equal(detectProtocol({ firstS2C: seen.mysql.firstS2C }), 'mysql', 'the server greets first');
    assert.equal(detectProtocol({ firstC2S: seen.postgres.firstC2S }), 'postgres');
  });

  it('knows MongoDB by an OP_MSG or OP_QUERY header, and a reply by OP_REPLY', () => {
    assert.equal(detectProtocol({ firstC2S: opMsg({ hello: 1, $db: 'admin' }, { requestID: 1 }) }), 'mongodb');
    assert.equal(detectProtocol({ firstC2S: opQuery('admin.$cmd', { isMaster: 1 }, 1) }), 'mongodb');
    assert.equal(detectProtocol({ firstS2C: opReply([{ ok: 1 }], 2, 1) }), 'mongodb');
  });

  it('checks the MongoDB header before the MySQL greeting: a reply whose requestID reads like a greeting is MongoDB', () => {
    // length < 1024 (its 4th byte 0, as a MySQL sequence id 0), requestID 0x01010a: first byte 10 (as protocol
    // version 10), then two non-zero bytes and a 0 (as a version string and its end)
    const reply = opReply([{ ok: 1, note: 'x' }], 0x01010a, 1);
    assert.deepEqual([...reply.subarray(3, 8)], [0, 10, 1, 1, 0]);
    assert.equal(detectProtocol({ firstS2C: reply }), 'mongodb');
  });

  it('knows a tracker request line and an SSLRequest', () => {
    assert.equal(detectProtocol({ firstC2S: Buffer.from('get_paths domain=d&key=k&noverify=1\r\n') }), 'mogilefs');
    // a tracker command with no arguments, as a client's first line, names the protocol too (whatever the port)
    assert.equal(detectProtocol({ firstC2S: Buffer.from('noop\r\n'), firstS2C: Buffer.from('OK \r\n'), port: 40123 }), 'mogilefs');
    assert.equal(detectProtocol({ firstC2S: Buffer.from('!version\n') }), 'mogilefs');
    assert.equal(detectProtocol({ firstC2S: Buffer.from([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f]) }), 'postgres');
  });

  it('falls back to the port when the bytes say nothing, and gives up without either', () => {
    assert.equal(detectProtocol({ firstC2S: Buffer.from('PING\r\n'), port: 6379 }), 'redis');
    assert.equal(detectProtocol({ port: 27017 }), 'mongodb');
    assert.equal(detectProtocol({ port: 7001 }), 'mogilefs');
    assert.equal(detectProtocol({ firstC2S: Buffer.from('hello') }), null);
    assert.equal(detectProtocol({}), null);
  });
});
