// `incident-replay reproduce mogilefs-2008`: the 2008 tracker desync, replayed on loopback and analysed.
import { existsSync } from 'node:fs';
import { describeFinding, fmtUs } from '../../core/pairing';
import { reproduceMogilefs2008, type ClientTally } from '../../core/tracker/reproduce';
import { parseSlowSpec } from '../../core/tracker/slow-spec';
import { parseDurationMs, DURATION_HELP } from '../../core/units';
import { parse, parseIntArg, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay reproduce mogilefs-2008 [--out FILE] [--requests N] [--timeout 250ms] [--slow 600ms@15%] [--seed N] [--json]

Starts the embedded tracker, the recording proxy in front of it and two clients on loopback; stores keys, then
slows the tracker's metadata store (the 2008 database out of connections) while both clients ask for keys with a
short read timeout: the buggy client (a timeout becomes "not found", the connection is kept) and the safe one (a
timeout closes the connection, answers are checked). Writes the transcript and prints both clients' counts and
the transcript's analysis.

  --out FILE      transcript to write (default mogilefs-2008-<time>.transcript.jsonl here); never overwritten
  --requests N    get_paths requests per client (default 60)
  --timeout D     the clients' read timeout (default 250ms)
  --slow SPEC     the metadata slow-down (default 600ms@15%)
  --seed N        seed for the key choice and the slow-down (default 2008)
  --json          print the result as JSON

${DURATION_HELP}

Exit status: 0 when the buggy client showed mismatches and the safe one none (the incident reproduced), 1 otherwise.`;

export const reproduce: Verb = {
  name: 'reproduce',
  summary: 'replay an incident on loopback (mogilefs-2008) and analyse its transcript',
  help,
  async run(argv, io) {
    const { values, positionals } = parse('reproduce', argv, {
      out: { type: 'string' },
      requests: { type: 'string' },
      timeout: { type: 'string' },
      slow: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1 || positionals[0] !== 'mogilefs-2008') {
      throw new UsageError(`reproduce: name one incident: mogilefs-2008 (got ${positionals.length ? positionals.join(' ') : 'none'})`);
    }
    const out = values.out ?? `mogilefs-2008-${new Date().toISOString().replace(/[:.]/g, '-')}.transcript.jsonl`;
    if (existsSync(out)) throw new UsageError(`reproduce: ${out} already exists; refusing to overwrite it (choose another --out)`);
    const r = await reproduceMogilefs2008({
      out,
      requests: parseIntArg(values.requests, '--requests', 1, 100000),
      timeoutMs: values.timeout ? parseDurationMs(values.timeout, '--timeout') : undefined,
      slow: values.slow ? parseSlowSpec(values.slow) : undefined,
      seed: parseIntArg(values.seed, '--seed', 0, 2 ** 31),
      onProgress: values.json ? undefined : (m) => io.err(m),
    });
    const reproduced = r.buggy.transcript.mismatches > 0 && r.safe.transcript.mismatches === 0;
    if (values.json) {
      const { analysis, ...rest } = r;
      io.out(JSON.stringify({ ...rest, summary: analysis.summary, reproduced }, null, 2));
      return reproduced ? 0 : 1;
    }
    const lines = [
      `mogilefs-2008 reproduced on loopback: tracker ${r.tracker} behind the recording proxy ${r.proxy}, metadata store slowed ${r.slow}, client read timeout ${r.timeoutMs} ms`,
      tally('buggy client (timeout → "not found", keeps the connection)', r.buggy),
      tally('safe client  (timeout → closes the connection, checks answers)', r.safe),
      `transcript: ${r.transcript} (${r.analysis.summary.requests} requests on ${r.analysis.summary.connections} connections)`,
    ];
    if (r.firstMismatch) {
      const f = r.firstMismatch;
      lines.push(`first mismatch at ${fmtUs(f.tUs)} on connection ${f.conn}: ${describeFinding(f)}`);
    }
    lines.push(
      reproduced
        ? "the incident reproduced: the buggy client took other requests' answers, the safe client never did"
        : 'the incident did NOT reproduce with these settings',
    );
    io.out(lines.join('\n'));
    return reproduced ? 0 : 1;
  },
};

function tally(label: string, t: ClientTally): string {
  return (
    `  ${label}: ${t.requests} requests, ${t.correct} right answers, ${t.wrong} answers for another key, ${t.timeouts} timeouts` +
    `${t.falseNotFound ? ` (${t.falseNotFound} reported as "not found")` : ''}${t.refused ? `, ${t.refused} wrong answers refused` : ''}` +
    ` on ${t.connections.length} connection${t.connections.length === 1 ? '' : 's'}; transcript: ${t.transcript.mismatches} mismatches, ${t.transcript.timeouts} timeouts, ${t.transcript.late} late answers`
  );
}
