// Redis (RESP2 and RESP3): replies come in command order (FIFO) and clients pipeline, so many commands in flight is
// normal, not a sign of a timeout. Pushes and pub/sub messages answer no command and are never paired.
import type { Protocol } from '../types';
import { describeAlone } from './describe';
import { RedisMaskFramer } from './mask-framer';
import { redactRedis } from './redact';
import { RedisSession } from './session';

export { RedisSession } from './session';
export { redactRedis } from './redact';
export { parseResp, type Resp } from './resp';

export const redis: Protocol = {
  name: 'redis',
  pairing: 'fifo',
  session: () => new RedisSession(),
  redact: redactRedis,
  describe: describeAlone,
  maskSession: () => new RedisMaskFramer(),
};
