// `incident-replay import CAPTURE --out FILE`: a tcpdump capture (pcap or pcapng) as a transcript, TCP reassembled.
import { importCapture } from '../../core/capture';
import { parse, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay import CAPTURE --out FILE [--protocol P] [--server-port N]...

Turns a packet capture (tcpdump -w, pcap or pcapng; Ethernet, Linux cooked, loopback or raw IP; IPv4 and IPv6)
into a transcript: each TCP connection's bytes in order per direction, retransmissions dropped, with the capture's
own times. Bytes the capture missed become "gap" events. Then run analyze on it, or open it in the editor.

  --out FILE         the transcript to write; must not exist
  --protocol P       mogilefs, mysql, postgres, mongodb, redis, http (default: guessed from the first bytes and the port)
  --server-port N    a port that marks the server side of connections whose handshake the capture missed
                     (repeatable; 3306, 5432, 6379, 27017, 7001 and a few more are known)

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
    });
    if (positionals.length !== 1) throw new UsageError('import: name one capture file (incident-replay import CAPTURE --out FILE)');
    if (!values.out) throw new UsageError('import: --out is required');
    const ports = (values['server-port'] ?? []).map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`import: --server-port "${p}" is not a port`);
      return n;
    });
    const r = await importCapture(positionals[0], { out: values.out, protocol: values.protocol, serverPorts: ports.length ? ports : undefined });
    io.out(
      `${r.file}: ${r.protocol}, ${r.connections} connections from ${r.packets} packets (${r.segments} TCP segments, ${r.skipped} other packets skipped); ` +
        `${r.retransmittedBytes} retransmitted bytes dropped, ${r.gaps} gaps (${r.gapBytes} bytes the capture missed)` +
        (r.guessedRoles ? `; ${r.guessedRoles} connections began before the capture: client and server guessed from the ports` : ''),
    );
    // tcpdump's habit: what was lost is said at the end, and the file is still good up to there
    if (r.cut) io.err(`import: ${r.cut}; the transcript ends there (analyze will say inconclusive)`);
    return 0;
  },
};
