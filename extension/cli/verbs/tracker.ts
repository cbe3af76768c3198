// `incident-replay tracker [--port N] [--slow SPEC]`: the embedded MogileFS-protocol tracker on loopback.
import { DURATION_HELP } from '../../core/units';
import { parse, parseIntArg, type Verb } from '../verb';
import { startTracker } from '../../core/tracker/server';
import { parseSlowSpec } from '../../core/tracker/slow-spec';

const help = `usage: incident-replay tracker [--port N] [--host H] [--slow SPEC] [--seed N]

Runs a tracker that speaks the MogileFS tracker protocol (create_domain, get_domains, create_open, create_close,
get_paths, delete, rename, list_keys, noop, !version, !stats), its metadata in memory, until Ctrl-C.

  --port N      port to listen on (default 7001; 0 picks a free one)
  --host H      loopback address to listen on (default 127.0.0.1)
  --slow SPEC   slow down the metadata store, as a database in trouble: 300ms (every operation),
                100ms..900ms (uniform), 600ms@15% (a share of operations)
  --seed N      seed for the slow-down draws (default 2008)

${DURATION_HELP} In a range, give both ends a unit or neither.`;

export const tracker: Verb = {
  name: 'tracker',
  summary: 'run the embedded MogileFS-protocol tracker on loopback',
  help,
  async run(argv, io) {
    const { values } = parse(
      'tracker',
      argv,
      { port: { type: 'string' }, host: { type: 'string' }, slow: { type: 'string' }, seed: { type: 'string' } },
      false,
    );
    const port = parseIntArg(values.port, '--port', 0, 65535) ?? 7001;
    const seed = parseIntArg(values.seed, '--seed', 0, 2 ** 31) ?? 2008;
    const slow = values.slow ? parseSlowSpec(values.slow) : null;
    const t = await startTracker({ host: values.host ?? '127.0.0.1', port, slow, seed });
    io.err(`tracker listening on ${t.address.host}:${t.address.port}${slow ? `, metadata store slowed: ${slow.text}` : ''}; Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await t.close();
    io.out(`tracker stopped after ${t.counters.connections} connections and ${t.counters.requests} requests`);
    return 0;
  },
};
