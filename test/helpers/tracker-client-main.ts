// A tracker client as a program of its own, for the check of any client: `node --import tsx tracker-client-main.ts
// buggy|safe [requests] [timeoutMs]` reads keys msg:1000… of domain "mail" through INCIDENT_REPLAY_ADDR, one request
// at a time, and prints what it got for each. It knows nothing of the check: what it did is judged from the wire.
import { parseHostPort } from '../../extension/core/address';
import { BuggyTrackerClient, SafeTrackerClient } from '../../extension/core/tracker/client';

async function main(): Promise<void> {
  const [which, n = '60', timeout = '100', keys = '20'] = process.argv.slice(2);
  const addr = parseHostPort(process.env.INCIDENT_REPLAY_ADDR ?? '', 'INCIDENT_REPLAY_ADDR');
  const opts = { timeoutMs: Number(timeout), name: which };
  const client = which === 'buggy' ? new BuggyTrackerClient(addr, opts) : new SafeTrackerClient(addr, opts);
  let notFound = 0;
  for (let i = 0; i < Number(n); i++) {
    const key = `msg:${1000 + (i % Number(keys))}`;
    const a = await client.getPaths('mail', key);
    if (a.kind !== 'ok') notFound++;
  }
  client.close();
  console.log(`${which}: ${n} requests, ${notFound} not found`);
}

void main();
