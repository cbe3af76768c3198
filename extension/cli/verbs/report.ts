// `incident-replay report FILE… [--out DIR] [--metrics FILE] [--force]`: the postmortem draft of each transcript (or
// shard metrics file), the same one the editor's Export Postmortem Draft writes: `<name>.postmortem.md` and the
// pictures in `<name>.postmortem/`. Exit 0 when every draft was written, 2 on bad input or a draft already there.
import { exportDraft } from '../../core/review';
import { parse, UsageError, type Verb } from '../verb';

const help = `usage: incident-replay report FILE... [--out DIR] [--metrics FILE] [--force] [--lenient]

Writes a postmortem draft for each transcript (*.transcript.jsonl): NAME.postmortem.md with the incident's summary
(protocol, span, connections, requests), the verdict and the findings (counts per kind; each mismatch with both
requests and their keys), the review notes of NAME.review.json (each with its time, its connection and a
vscode:// link that opens the transcript at its event in the editor), and, in NAME.postmortem/, an SVG ladder of
the connection at each mismatch and the shard-metrics chart at the crossover. A shard metrics file given as FILE
gets a draft of its own (its summary and charts).

  --out DIR       write the drafts there (default: beside each file)
  --metrics FILE  the shard metrics file to chart (default: NAME.metrics.csv or .jsonl beside the transcript, or
                  the only *.metrics.* file in its folder)
  --force         replace drafts already there (without it, an existing draft is an error)
  --lenient       read past bad transcript lines

Exit status: 0 every draft written; 2 bad input, usage, or a draft already there.`;

export const report: Verb = {
  name: 'report',
  summary: 'write a postmortem draft (Markdown, ladders, shard chart) from a transcript and its review notes',
  help,
  async run(argv, io) {
    const { values, positionals } = parse('report', argv, {
      out: { type: 'string' },
      metrics: { type: 'string' },
      force: { type: 'boolean' },
      lenient: { type: 'boolean' },
    });
    if (positionals.length === 0) throw new UsageError('report: no transcript given (incident-replay report FILE)');
    for (const file of positionals) {
      const d = await exportDraft(file, { outDir: values.out, metrics: values.metrics, force: values.force ?? false, lenient: values.lenient ?? false });
      const what = [`${d.mismatches} mismatches`, `${d.notes} notes`, `${d.pictures.length} pictures`];
      io.out(`${d.markdown}: ${what.join(', ')}${d.metrics ? `; shard chart from ${d.metrics}` : ''}`);
    }
    return 0;
  },
};
