// `incident-replay serve --api HOST:PORT --out DIR`: Toxiproxy's HTTP API in front of the recording proxy, so that
// Toxiproxy's clients (any language) create proxies and toxics unchanged, and each proxy records a transcript.
import { mkdirSync, statSync } from 'node:fs';
import { protocolByName, protocolNames } from '../../core/protocols';
import { startApi } from '../../core/toxiproxy';
import { parse, parseIntArg, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay serve --api HOST:PORT --out DIR [options]

Serves Toxiproxy's HTTP API (proxies, toxics, /populate, /reset, /version) until Ctrl-C. Every proxy created
through it is a recording proxy: it records every byte both ways to DIR/<name>.transcript.jsonl, and its toxics
(latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, with stream and toxicity) are written to
the transcript as they are added, changed and removed. GET /proxies/<name>/verdict answers with the analysis of
that proxy's traffic so far (clean, mismatch or inconclusive), as \`analyze\` would give it.

  --api A          where the API listens (default 127.0.0.1:8474, Toxiproxy's port; loopback unless --allow-remote)
  --out DIR        the folder for the transcripts (made if missing); a name used again gets <name>-2, never overwritten
  --protocol P     mogilefs, mysql, postgres, mongodb, redis: for masking and decoding; default auto (per connection)
  --keep-auth      keep every byte as sent (default: passwords and auth proofs masked, same length)
  --seed N         seed for toxicity and the shares (default 2008), so a run repeats
  --allow-remote   allow addresses (the API's, proxies' listen) that are not loopback`;

export const serve: Verb = {
  name: 'serve',
  summary: "serve Toxiproxy's HTTP API; every proxy records a transcript and has a verdict",
  help,
  async run(argv, io) {
    const { values } = parse(
      'serve',
      argv,
      {
        api: { type: 'string' },
        out: { type: 'string' },
        protocol: { type: 'string' },
        'keep-auth': { type: 'boolean' },
        seed: { type: 'string' },
        'allow-remote': { type: 'boolean' },
      },
      false,
    );
    if (!values.out) throw new UsageError('serve: --out DIR is required (see incident-replay serve --help)');
    if (values.protocol !== undefined && values.protocol !== 'auto' && !protocolByName(values.protocol)) {
      throw new UsageError(`serve: --protocol "${values.protocol}" is not one of auto, ${protocolNames().join(', ')}`);
    }
    const outDir = values.out;
    try {
      mkdirSync(outDir, { recursive: true });
      if (!statSync(outDir).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new UsageError(`serve: --out ${outDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give a folder for the transcripts`);
    }
    const api = await startApi({
      listen: values.api ?? '127.0.0.1:8474',
      allowRemote: values['allow-remote'] ?? false,
      outDir,
      protocol: values.protocol,
      keepAuth: values['keep-auth'] ?? false,
      seed: parseIntArg(values.seed, '--seed', 0, 2 ** 31),
      log: (line) => io.err(line),
    });
    io.err(`serving Toxiproxy's API on ${api.address.host}:${api.address.port}, transcripts in ${outDir}; Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    const recorders = api.proxies.list().map((p) => p.recorder);
    await api.close();
    for (const r of recorders)
      io.out(
        `${r.file}: ${r.stats.connections} connections, ${r.stats.c2sBytes} bytes client→server, ${r.stats.s2cBytes} bytes server→client, ${r.stats.faults} faults acted`,
      );
    return 0;
  },
};
