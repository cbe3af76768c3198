// `incident-replay record --listen A --target B --out FILE [--fault SPEC]…`: the recording, fault-injecting proxy,
// until Ctrl-C (or --duration).
import { existsSync } from 'node:fs';
import { protocolByName, protocolNames } from '../../core/protocols';
import { parseDurationMs, DURATION_HELP, SIZE_HELP } from '../../core/units';
import { parse, UsageError, type Verb } from '../verb';
import { parseFaultSpec, startCapture, startRecorder } from '../../core/record';
import { fmtUs } from '../../core/pairing';

const help = `usage: incident-replay record --listen HOST:PORT --target HOST:PORT --out FILE [--fault SPEC]... [options]
       incident-replay record --capture --target HOST:PORT --out FILE [--interface IF] [options]

Listens on loopback, forwards every connection to the target, and writes every byte both ways, with µs times,
to a new transcript (it never overwrites one). Point your client at the listen address.

With --capture there is no proxy and nothing for the client to change: tcpdump captures the target's port while
the client talks to the server as usual, and on stop the capture becomes the transcript (as \`import\` makes it,
secrets masked as below). It costs the traffic nothing, but injects no fault; tcpdump must be installed and allowed
to capture (root or CAP_NET_RAW). Connections already open when it starts are recorded masked whole.

  --listen A        where to listen (loopback only unless --allow-remote), e.g. 127.0.0.1:17001
  --target B        the real server, e.g. 127.0.0.1:7001
  --out FILE        the transcript to write (*.transcript.jsonl); must not exist
  --protocol P      mogilefs, mysql, postgres, mongodb, redis, http: how to mask secrets and decode; default auto: each
                    connection's protocol is told from its first bytes (then the target's port), and a connection
                    whose protocol cannot be told is recorded with its bytes masked (its lengths and times kept)
  --fault SPEC      inject a fault; repeatable:
                      latency:300ms[,jitter=50ms][,share=5%][,dir=down|up|both]   (also latency:300ms@5%)
                      stall[:5s][@1%]          hold the bytes (for a time, or until the connection ends)
                      reset[@1%][,after=64KB]  cut the connection with RST
                      bandwidth:64KB/s         limit the rate
                      slow_close:2s, timeout[:5s], reset_peer[:100ms], slicer:64B, limit_data:64KB (Toxiproxy's)
                    dir defaults to down (server to client); a share applies to each chunk read;
                    toxicity=50%: to that share of connections; nth=3: to the third answer only
  --seed N          seed for the fault shares (default 2008), so a run repeats
  --duration D      stop after D (e.g. 30s); default: until Ctrl-C
  --keep-auth       keep every byte as sent (default: passwords and auth proofs masked, same length)
  --allow-remote    allow a listen address that is not loopback
  --capture         record with tcpdump instead of the proxy (no --listen, no --fault)
  --interface IF    with --capture: where to capture (default lo for a loopback target, else any)

${DURATION_HELP}
${SIZE_HELP}`;

export const record: Verb = {
  name: 'record',
  summary: 'record a TCP transcript through a loopback proxy that can inject faults',
  help,
  async run(argv, io) {
    const { values } = parse(
      'record',
      argv,
      {
        listen: { type: 'string' },
        target: { type: 'string' },
        out: { type: 'string' },
        protocol: { type: 'string' },
        fault: { type: 'string', multiple: true },
        seed: { type: 'string' },
        duration: { type: 'string' },
        'keep-auth': { type: 'boolean' },
        'allow-remote': { type: 'boolean' },
        capture: { type: 'boolean' },
        interface: { type: 'string' },
      },
      false,
    );
    if (values.capture) return captureRun(values, io);
    if (values.interface !== undefined) throw new UsageError('record: --interface is for --capture');
    for (const need of ['listen', 'target', 'out'] as const) {
      if (!values[need]) throw new UsageError(`record: --${need} is required (see incident-replay record --help)`);
    }
    if (values.protocol !== undefined && values.protocol !== 'auto' && !protocolByName(values.protocol)) {
      throw new UsageError(`record: --protocol "${values.protocol}" is not one of auto, ${protocolNames().join(', ')}`);
    }
    const out = values.out as string;
    if (existsSync(out)) throw new UsageError(`record: ${out} already exists; refusing to overwrite it (choose another --out)`);
    const faults = (values.fault ?? []).map(parseFaultSpec);
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`record: --seed "${values.seed}" is not an integer`);
    const durationMs = values.duration ? parseDurationMs(values.duration, '--duration') : undefined;
    const rec = await startRecorder({
      listen: values.listen as string,
      target: values.target as string,
      out,
      protocol: values.protocol,
      faults,
      seed,
      keepAuth: values['keep-auth'] ?? false,
      allowRemote: values['allow-remote'] ?? false,
      log: (line) => io.err(line),
    });
    io.err(
      `recording ${rec.address.host}:${rec.address.port} -> ${values.target} into ${rec.file}${faults.length ? ` with ${faults.map((f) => f.text).join(', ')}` : ''}; Ctrl-C to stop`,
    );
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (durationMs !== undefined) setTimeout(stop, durationMs).unref();
      rec.writer.onFailure(stop);
    });
    await rec.close().catch(() => {});
    if (rec.failure) {
      const code = (rec.failure as NodeJS.ErrnoException).code;
      io.err(
        `record: ${rec.file}: write failed (${code ?? rec.failure.message}); the recording stopped there and its connections were closed: the transcript is cut`,
      );
      return 1;
    }
    const s = rec.stats;
    io.out(
      `${rec.file}: ${s.connections} connections, ${s.c2sBytes} bytes client→server, ${s.s2cBytes} bytes server→client, ` +
        `${s.faults} faults injected, ${s.resets} resets, ${s.refused} refused by the target, ${s.droppedBytes} bytes undeliverable, ` +
        (s.maskedConnections ? `${s.maskedConnections} connections recorded masked (protocol not told), ` : '') +
        `over ${fmtUs((Date.now() - started) * 1000)}`,
    );
    return 0;
  },
};

/** `record --capture`: tcpdump on the target's port until stopped, then the capture imported, secrets masked. */
async function captureRun(values: Record<string, string | string[] | boolean | undefined>, io: Parameters<Verb['run']>[1]): Promise<number> {
  for (const need of ['target', 'out'] as const) {
    if (!values[need]) throw new UsageError(`record --capture: --${need} is required (see incident-replay record --help)`);
  }
  if (values.listen !== undefined)
    throw new UsageError('record --capture: there is no proxy to listen: the client talks to --target as usual (drop --listen, or drop --capture)');
  if (Array.isArray(values.fault) && values.fault.length > 0)
    throw new UsageError('record --capture: faults need the proxy (drop --capture, and give --listen)');
  const protocol = values.protocol as string | undefined;
  if (protocol !== undefined && protocol !== 'auto' && !protocolByName(protocol)) {
    throw new UsageError(`record: --protocol "${protocol}" is not one of auto, ${protocolNames().join(', ')}`);
  }
  const durationMs = values.duration ? parseDurationMs(values.duration as string, '--duration') : undefined;
  const cap = await startCapture({
    target: values.target as string,
    out: values.out as string,
    protocol,
    keepAuth: values['keep-auth'] === true,
    iface: values.interface as string | undefined,
    log: (line) => io.err(line),
  });
  io.err(`capturing ${values.target} on ${cap.iface} into ${values.out}; Ctrl-C to stop`);
  const started = Date.now();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (durationMs !== undefined) setTimeout(resolve, durationMs).unref();
  });
  const r = await cap.stop();
  io.out(
    `${r.file}: ${r.connections} connections from ${r.packets} packets, ${r.gaps} gaps (${r.gapBytes} bytes the capture missed)` +
      (r.dropped ? `, ${r.dropped} packets dropped by the kernel` : '') +
      (r.maskedConnections ? `, ${r.maskedConnections} connections recorded masked (protocol not told)` : '') +
      (r.guessedRoles ? `, ${r.guessedRoles} connections already open when the capture began${values['keep-auth'] ? '' : ' (recorded masked whole)'}` : '') +
      `, over ${fmtUs((Date.now() - started) * 1000)}`,
  );
  return 0;
}
