// The extension as it ships: activation time and the .vsix. Activation is timed in fresh Node processes (nothing
// cached), `vscode` stubbed: requiring dist/extension.js, then its `activate`; the anchor is the same process with
// the stub and no bundle, timed from spawn to exit as every process is. BENCH_EXTENSION_BASELINE=path/to/another/dist/extension.js times an earlier build in the
// same rounds, alternating. Then `npm run package` into the temp directory: the .vsix's size and what it holds.
// EXTENSION_BENCH_ROUNDS sets the rounds (7).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import { median } from './stats';

const ROOT = resolve(__dirname, '..');
const ROUNDS = Number(process.env.EXTENSION_BENCH_ROUNDS ?? 7);

interface Probe {
  requireMs: number;
  activateMs: number;
  /** the whole process, start to exit, as the parent saw it */
  wallMs: number;
}

function probe(script: string, bundle?: string): Probe {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, ...(bundle ? [bundle] : [])], { encoding: 'utf8', timeout: 60_000 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`activation probe failed on ${bundle ?? 'no bundle'}: ${r.stderr || r.stdout}`);
  return { ...(JSON.parse(r.stdout) as Omit<Probe, 'wallMs'>), wallMs };
}

function unzipList(vsix: string): string[] {
  const r = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

export default async function extensionBench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'ir-extension-bench-'));
  try {
    const script = join(tmp, 'probe.js');
    buildSync({
      entryPoints: [join(ROOT, 'bench/extension-probe.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: script,
      logLevel: 'warning',
    });
    const targets: [string, string | undefined][] = [
      ['anchor (stub, no bundle)', undefined],
      ['dist/extension.js', join(ROOT, 'dist/extension.js')],
      ...(process.env.BENCH_EXTENSION_BASELINE ? [['baseline', resolve(process.env.BENCH_EXTENSION_BASELINE)] as [string, string]] : []),
    ];
    const runs = new Map<string, Probe[]>(targets.map(([name]) => [name, []]));
    probe(script, targets[1][1]); // the first read of the bundle from disk is not what an activation pays
    for (let round = 0; round < ROUNDS; round++) for (const [name, bundle] of targets) runs.get(name)?.push(probe(script, bundle));
    const total = (p: Probe) => p.requireMs + p.activateMs;
    const anchor = median((runs.get(targets[0][0]) ?? []).map((p) => p.wallMs));
    for (const [name, bundle] of targets) {
      const ps = runs.get(name) ?? [];
      const wall = median(ps.map((p) => p.wallMs));
      const head = `activation ${name}${bundle ? ` (${(statSync(bundle).size / 1048576).toFixed(2)} MiB)` : ''}`;
      const parts = bundle
        ? `${median(ps.map(total)).toFixed(0)} ms = require ${median(ps.map((p) => p.requireMs)).toFixed(0)} ms + activate ${median(ps.map((p) => p.activateMs)).toFixed(1)} ms; the process ${wall.toFixed(0)} ms, ${(wall / anchor).toFixed(2)}× the anchor's`
        : `the process ${wall.toFixed(0)} ms`;
      console.log(`${head}: ${parts} (median of ${ps.length} fresh processes)`);
    }
    const vsix = join(tmp, 'incident-replay.vsix');
    const pack = spawnSync('npm', ['run', '-s', 'package', '--', '--out', vsix], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    if (pack.status !== 0) throw new Error(`npm run package failed: ${pack.stderr || pack.stdout}`);
    const files = unzipList(vsix).filter((f) => f.startsWith('extension/'));
    const maps = files.filter((f) => f.endsWith('.map')).length;
    console.log(
      `vsix: ${(statSync(vsix).size / 1048576).toFixed(2)} MiB, ${files.length} files (${maps} source maps, dist/cli.js ${files.includes('extension/dist/cli.js') ? 'included' : 'left out'})`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
