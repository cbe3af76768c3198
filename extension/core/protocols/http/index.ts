// HTTP/1.x: responses come in request order (FIFO) on each connection, with keep-alive and pipelining; interim 1xx
// responses answer no request. A request's key is its target (the path and query), which a mismatch's evidence
// names; an answer carries no key to compare honestly (Content-Location and Location name other resources as often
// as the one asked for), so no answer is keyed, and `keyed` counts no HTTP pairs.
import type { Protocol } from '../types';
import { describeHttp } from './describe';
import { HttpMaskSession } from './mask-session';
import { redactHttp } from './redact';
import { HttpSession } from './session';

export { HttpSession } from './session';
export { HttpMaskSession } from './mask-session';
export { redactHttp } from './redact';
export { describeHttp } from './describe';

export const http: Protocol = {
  name: 'http',
  pairing: 'fifo',
  session: () => new HttpSession(),
  maskSession: () => new HttpMaskSession(),
  redact: redactHttp,
  describe: describeHttp,
};
