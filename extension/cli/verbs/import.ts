// `incident-replay import CAPTURE|- --out FILE|-`: a tcpdump capture (pcap or pcapng) as a transcript, TCP reassembled;
// `-` is standard input or output, as tcpdump's -r - and -w -, so captures and transcripts go through pipes.
import { importCapture } from '../../core/capture';
import { checkHost, parseTimeBound, type CaptureFilter } from '../../core/capture/filter';
import { DURATION_HELP } from '../../core/units';
import { parse, UsageError, type Verb } from '../verb';
import { stdinSource } from '../stdio';

const help = `usage: incident-replay import CAPTURE|- --out FILE|- [--host IP]... [--port N]... [--from T] [--to T] [options]

Turns a packet capture (tcpdump -w, pcap or pcapng; Ethernet, Linux cooked, loopback or raw IP; IPv4 and IPv6)
into a transcript: each TCP connection's bytes in order per direction, retransmissions dropped, with the capture's
own times. Bytes the capture missed become "gap" events. Then run analyze on it, or open it in the editor.

  CAPTURE            the capture file, or - to read it from standard input (tcpdump -w - | incident-replay import -)
  --out FILE         the transcript to write; must not exist. - writes it to standard output (the report then goes
                     to standard error): incident-replay import app.pcap --out - | incident-replay analyze -
  --protocol P       mogilefs, mysql, postgres, mongodb, redis, http (default: guessed from the first bytes and the port)
  --server-port N    a port that marks the server side of connections whose handshake the capture missed
                     (repeatable; 3306, 5432, 6379, 27017, 7001 and a few more are known)

Filters, as tcpdump's 'host 10.0.0.5 and port 3306' (several --host, or several --port, are alternatives):
  --host IP          packets from or to this address (IPv4 or IPv6; names are not resolved)
  --port N           packets from or to this port
  --from T, --to T   the time window: an ISO-8601 time with its zone (2026-01-01T10:00:00Z), or +D after the
                     capture's first packet (+30s, +2m). A connection open at the window's start begins there and
                     one open at its end ends there, each with a "cut" event: what crossed the edge is not in the
                     transcript, and analyze says inconclusive. The transcript's time 0 is the window's start

${DURATION_HELP}

A capture made in production, for example: tcpdump -i any -s 0 -w tracker.pcap 'tcp port 7001'`;

export const importVerb: Verb = {
  name: 'import',
  summary: 'turn a tcpdump capture (pcap/pcapng) into a transcript',
  help,
  async run(argv, io) {
    const { values, positionals } = parse('import', argv, {
      out: { type: 'string' },
      protocol: { type: 'string' },
      'server-port': { type: 'string', multiple: true },
      host: { type: 'string', multiple: true },
      port: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('import: name one capture file, or - for standard input (incident-replay import CAPTURE --out FILE)');
    if (!values.out) throw new UsageError('import: --out is required (a new file, or - for standard output)');
    const ports = (flag: string, list: string[] | undefined) =>
      (list ?? []).map((p) => {
        const n = Number(p);
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`import: ${flag} "${p}" is not a port`);
        return n;
      });
    const serverPorts = ports('--server-port', values['server-port']);
    const filter: CaptureFilter = {
      hosts: values.host?.map((h) => checkHost(h)),
      ports: ports('--port', values.port),
      from: values.from !== undefined ? parseTimeBound(values.from, '--from') : undefined,
      to: values.to !== undefined ? parseTimeBound(values.to, '--to') : undefined,
    };
    checkWindow(filter);
    const filtered = Boolean(filter.hosts?.length || filter.ports?.length || filter.from || filter.to);
    const toStdout = values.out === '-';
    const source = positionals[0] === '-' ? stdinSource('import', 'a capture (tcpdump -w - | incident-replay import -)') : positionals[0];
    const r = await importCapture(source, {
      out: toStdout ? { name: '<stdout>', stream: process.stdout } : values.out,
      protocol: values.protocol,
      serverPorts: serverPorts.length ? serverPorts : undefined,
      filter: filtered ? filter : undefined,
    });
    // with the transcript on standard output, what would be said there goes to standard error, as tcpdump -w - does
    const say = toStdout ? io.err : io.out;
    say(
      `${r.file}: ${r.protocol}, ${r.connections} connections from ${r.packets} packets (${r.segments} TCP segments, ${r.skipped} other packets skipped` +
        (filtered ? `, ${r.filtered} of other hosts or ports left out` : '') +
        `); ${r.retransmittedBytes} retransmitted bytes dropped, ${r.gaps} gaps (${r.gapBytes} bytes the capture missed)` +
        (r.windowCuts ? `; ${r.windowCuts} cut events where connections cross the window's edges` : '') +
        (r.guessedRoles ? `; ${r.guessedRoles} connections began before the capture: client and server guessed from the ports` : ''),
    );
    // tcpdump's habit: what was lost is said at the end, and the file is still good up to there
    if (r.cut) io.err(`import: ${r.cut}; the transcript ends there (analyze will say inconclusive)`);
    return 0;
  },
};

/** Both edges absolute: the window must not run backwards (relative ones are checked against each other the same way). */
function checkWindow(f: CaptureFilter): void {
  if (!f.from || !f.to || 'atUs' in f.from !== 'atUs' in f.to) return;
  const a = 'atUs' in f.from ? f.from.atUs : f.from.afterStartUs;
  const b = 'atUs' in f.to ? f.to.atUs : f.to.afterStartUs;
  if (b < a) throw new UsageError(`import: --to ${f.to.text} is before --from ${f.from.text}`);
}
