// The files under a folder, at any depth, whose names end with a suffix: the recordings and replays a test runs
// over (`.transcript.jsonl`, `.jsonl`, `.metrics.csv`).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p, suffix);
    return name.endsWith(suffix) ? [p] : [];
  });
}
