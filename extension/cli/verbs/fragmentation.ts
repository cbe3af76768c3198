// `incident-replay fragmentation --doc-bytes 300 --move 5% [--page-bytes 4096] [--shard-bytes 67GB] [--json]`:
// the fragmentation model's answer — pages freed by moving a share of the key space, against documents moved.
import { formatSize, fragmentationModel, simulateFragmentation } from '../../core/metrics';
import { parseSizeBytes, SIZE_HELP } from '../../core/units';
import { parse, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay fragmentation --doc-bytes N --move P% [--page-bytes 4096] [--shard-bytes SIZE] [--json]

What moving a share of a shard's key space to another shard frees in RAM, when documents of N bytes sit on pages in
insertion order and the shard key has nothing to do with that order (Foursquare 2010: 300-byte check-ins by user
id). A page is freed only when every document on it moves. Prints the expected share of pages freed (the exact
average), a simulation of 200,000 documents as a check, and what a compaction reclaims afterwards.

  --doc-bytes N      document size (300, 300B, 8KB, 8KiB)
  --move P           share moved: 5% or 0.05
  --page-bytes N     page size (default 4096)
  --shard-bytes S    the shard's size (like 67GB), to show freed RAM in bytes
  --json             one JSON object on stdout

${SIZE_HELP}`;

function share(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(s.trim());
  const v = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(v >= 0 && v <= 1)) throw new UsageError(`fragmentation: --move "${s}" is not a share from 0% to 100% (like 5% or 0.05)`);
  return v;
}

function bytes(s: string, what: string): number {
  return parseSizeBytes(s, what, { min: 1, max: 2 ** 40 });
}

export const fragmentation: Verb = {
  name: 'fragmentation',
  summary: 'what moving a share of a shard frees in RAM (the fragmentation model)',
  help,
  async run(argv, io) {
    const { values, positionals } = parse(
      'fragmentation',
      argv,
      {
        'doc-bytes': { type: 'string' },
        move: { type: 'string' },
        'page-bytes': { type: 'string' },
        'shard-bytes': { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    void positionals;
    if (values['doc-bytes'] === undefined || values.move === undefined)
      throw new UsageError('fragmentation: give --doc-bytes and --move (like --doc-bytes 300 --move 5%)');
    const q = {
      docBytes: bytes(values['doc-bytes'], '--doc-bytes'),
      moveShare: share(values.move),
      pageBytes: values['page-bytes'] ? bytes(values['page-bytes'], '--page-bytes') : 4096,
    };
    const model = fragmentationModel(q);
    const docs = Math.max(1000, Math.min(200_000, Math.floor(2e8 / q.docBytes)));
    const sim = simulateFragmentation(q, docs, 1);
    const shardBytes = values['shard-bytes'] ? bytes(values['shard-bytes'], '--shard-bytes') : null;
    if (values.json) {
      io.out(
        JSON.stringify(
          {
            ...model,
            simulation: sim,
            ...(shardBytes
              ? {
                  shardBytes,
                  ramFreedBytes: Math.round(shardBytes * model.pagesFreedShare),
                  compactionReclaimsBytes: Math.round(shardBytes * model.compactionReclaimsShare),
                }
              : {}),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    const pct = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 6 : 2)}%`;
    const lines = [
      `documents of ${q.docBytes} B on ${q.pageBytes} B pages (${model.docsPerPage.toFixed(2)} documents touch a page), ${pct(q.moveShare)} of the key space moved:`,
      `  documents moved: ${pct(q.moveShare)}`,
      `  pages freed (RAM freed): ${pct(model.pagesFreedShare)}`,
      `  pages still needed: ${pct(model.pagesStillNeededShare)}, now ${pct(model.fillAfterMove)} full`,
      `  a compaction afterwards reclaims: ${pct(model.compactionReclaimsShare)} more`,
      `  simulated (${sim.docs} documents, ${sim.pages} pages): ${sim.docsMoved} documents moved, ${sim.pagesFreed} pages freed (${pct(sim.pagesFreed / sim.pages)}), ${sim.pages - sim.pagesAfterCompaction} after compaction (${pct((sim.pages - sim.pagesAfterCompaction) / sim.pages)})`,
    ];
    if (shardBytes)
      lines.push(
        `  on a ${formatSize(shardBytes)} shard: the move frees ${formatSize(shardBytes * model.pagesFreedShare)} of RAM; compaction ${formatSize(shardBytes * model.compactionReclaimsShare)} more`,
      );
    io.out(lines.join('\n'));
    return 0;
  },
};
