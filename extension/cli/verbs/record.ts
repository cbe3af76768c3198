// `incident-replay record --listen A --target B --out FILE [--fault SPEC]…`: the recording, fault-injecting proxy,
// until Ctrl-C (or --duration).
import { existsSync } from 'node:fs';
import { protocolByName, protocolNames } from '../../core/protocols';
import { parseDurationMs, parse, UsageError, type Verb } from '../verb';
import { parseFaultSpec, startRecorder } from '../../core/record';
import { fmtUs } from '../../core/pairing';

const help = `usage: incident-replay record --listen HOST:PORT --target HOST:PORT --out FILE [--fault SPEC]... [options]

Listens on loopback, forwards every connection to the target, and writes every byte both ways, with µs times,
to a new transcript (it never overwrites one). Point your client at the listen address.

  --listen A        where to listen (loopback only unless --allow-remote), e.g. 127.0.0.1:17001
  --target B        the real server, e.g. 127.0.0.1:7001
  --out FILE        the transcript to write (*.transcript.jsonl); must not exist
  --protocol P      mogilefs, mysql, postgres, mongodb, redis: how to mask secrets and decode; default auto: each
                    connection's protocol is told from its first bytes (then the target's port), and a connection
                    whose protocol cannot be told is recorded with its bytes masked (its lengths and times kept)
  --fault SPEC      inject a fault; repeatable:
                      latency:300ms[,jitter=50ms][,share=5%][,dir=down|up|both]   (also latency:300ms@5%)
                      stall[:5s][@1%]          hold the bytes (for a time, or until the connection ends)
                      reset[@1%][,after=64KB]  cut the connection with RST
                      bandwidth:64KB/s         limit the rate
                    dir defaults to down (server to client); a share applies to each chunk read
  --seed N          seed for the fault shares (default 2008), so a run repeats
  --duration D      stop after D (e.g. 30s); default: until Ctrl-C
  --keep-auth       keep every byte as sent (default: passwords and auth proofs masked, same length)
  --allow-remote    allow a listen address that is not loopback`;

export const record: Verb = {
  name: 'record',
  summary: 'record a TCP transcript through a loopback proxy that can inject faults',
  help,
  async run(argv, io) {
    const { values } = parse('record', argv, {
      listen: { type: 'string' },
      target: { type: 'string' },
      out: { type: 'string' },
      protocol: { type: 'string' },
      fault: { type: 'string', multiple: true },
      seed: { type: 'string' },
      duration: { type: 'string' },
      'keep-auth': { type: 'boolean' },
      'allow-remote': { type: 'boolean' },
    }, false);
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
    io.err(`recording ${rec.address.host}:${rec.address.port} -> ${values.target} into ${rec.file}${faults.length ? ` with ${faults.map((f) => f.text).join(', ')}` : ''}; Ctrl-C to stop`);
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
      io.err(`record: ${rec.file}: write failed (${code ?? rec.failure.message}); the recording stopped there and its connections were closed: the transcript is cut`);
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
