// `npm run bench`: runs every bench/*.bench.ts in turn (or those whose name contains an argument), each printing
// its figures and ratios. Benchmarks print; they never assert on time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  console.log(`incident-replay benchmarks on ${process.platform}/${process.arch}, node ${process.version}, ${new Date().toISOString()}`);
  for (const f of files) {
    console.log(`\n== ${f.replace(/\.bench\.ts$/, '')} ==`);
    const mod = (await import(pathToFileURL(join(__dirname, f)).href)) as { default: () => Promise<void> };
    await mod.default();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
