// Bundles the CLI and the extension host into dist/ with esbuild (CommonJS, Node 20).
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
const jobs = [
  build({ ...common, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
];
if (existsSync('extension/host/extension.ts')) {
  jobs.push(build({ ...common, entryPoints: ['extension/host/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }));
}
await Promise.all(jobs);
chmodSync('dist/cli.js', 0o755);
