// `incident-replay check [URL] --client NAME --latency 300ms@5% --timeout 100ms --requests 5000 [--json]`: does any
// response reach the wrong request when the network is slow and the client times out? Exit 0 clean, 1 mismatch,
// 3 inconclusive (part of the transcript could not be judged), as `analyze`.
import { CLIENT_NAMES, runCheck, verdictText, type ClientName } from '../../core/check';
import { VERDICT_EXIT } from '../../core/pairing';
import { parseDurationMs, DURATION_HELP } from '../../core/units';
import { parse, parseIntArg, UsageError, type Verb } from '../verb';
import { execHelp, runExec } from './check-exec';

const help = `usage: incident-replay check [URL] --client NAME [--latency 300ms@5%] [--timeout 100ms] [--requests 5000] [options]

Seeds keyed rows whose payload embeds its own key and a checksum, then reads them back through the recording
proxy with latency injected into a share of responses while the client's timeout is shorter than that latency,
using the client after each timeout as an application would. Every answer is checked against the key asked for.

  URL               mysql://root@127.0.0.1:3306/test, postgres://postgres@127.0.0.1:5432/test,
                    redis://127.0.0.1:6379, mongodb://127.0.0.1:27017/test, mogilefs://127.0.0.1:7001
                    (the tracker clients start the embedded tracker when no URL is given)
  --client NAME     ${CLIENT_NAMES.join(', ')}
  --latency SPEC    injected into server-to-client chunks: 300ms@5% (default), 300ms,jitter=100ms,share=10%
  --timeout D       the client's timeout (default 100ms)
  --requests N      reads to make (default 5000)
  --concurrency N   simulated users (default 4); pools and ioredis are shared, single connections are one per user
  --rows N          keyed rows to seed (default 1000)
  --seed N          seed for key choice and fault shares (default 2008)
  --out FILE        the transcript (default check-<client>-<time>.transcript.jsonl here); never overwritten
  --json            one JSON object on stdout: {client, version, requests, verified, timeouts, errors, mismatches, transcript, …}

${DURATION_HELP}

Exit status: 0 clean: no response reached the wrong request and the transcript was judged whole; 1 mismatch: at
least one did; 2 bad input or usage; 3 inconclusive: no mismatch, but part of the transcript could not be judged.

${execHelp}`;

export const check: Verb = {
  name: 'check',
  summary: 'prove (or disprove) that no response reaches the wrong request under latency and timeouts',
  help,
  async run(argv, io) {
    if (argv.some((a) => a === '--exec' || a.startsWith('--exec='))) return runExec(argv, io);
    const { values, positionals } = parse('check', argv, {
      client: { type: 'string' },
      latency: { type: 'string' },
      timeout: { type: 'string' },
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      rows: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'keep-auth': { type: 'boolean' },
    });
    if (positionals.length > 1) throw new UsageError(`check: one URL at most (got ${positionals.length})`);
    const client = values.client as ClientName | undefined;
    if (!client || !CLIENT_NAMES.includes(client)) throw new UsageError(`check: --client must be one of ${CLIENT_NAMES.join(', ')}`);
    const requests = parseIntArg(values.requests, '--requests', 1, 10_000_000) ?? 5000;
    const verdict = await runCheck(
      {
        url: positionals[0],
        client,
        latency: values.latency ?? '300ms@5%',
        timeoutMs: values.timeout ? parseDurationMs(values.timeout, '--timeout') : 100,
        requests,
        concurrency: parseIntArg(values.concurrency, '--concurrency', 1, 1000) ?? 4,
        rows: parseIntArg(values.rows, '--rows', 1, 10_000_000) ?? 1000,
        seed: parseIntArg(values.seed, '--seed', 0, 2 ** 31) ?? 2008,
        out: values.out,
        keepAuth: values['keep-auth'] ?? false,
      },
      { onProgress: values.json ? undefined : (done, total) => process.stderr.isTTY && process.stderr.write(`\r${done}/${total} requests`) },
    );
    if (process.stderr.isTTY && !values.json) process.stderr.write('\r');
    io.out(values.json ? JSON.stringify(verdict, null, 2) : verdictText(verdict));
    return VERDICT_EXIT[verdict.verdict];
  },
};
