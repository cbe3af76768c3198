// Bundles the CLI and the extension host into dist/ with esbuild (CommonJS, Node 20), the webview bundle (every
// page: timeline and charts; dist/webview.js + dist/webview.css with uPlot's stylesheet), and the extension-host
// test suite into out/ (never packaged). What the .vsix ships (dist/extension.js, dist/webview.*) is minified, names
// kept so that stack traces and drivers that read a class's name still read right; the source maps stay beside them
// for debugging and out of the package (.vscodeignore), as does the CLI bundle, which the extension never loads.
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
const shipped = { minify: true, keepNames: true };
const jobs = [build({ ...common, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } })];
if (existsSync('extension/host/extension.ts')) {
  jobs.push(build({ ...common, ...shipped, entryPoints: ['extension/host/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }));
  // the timeline's worker thread (core/timeline/off-thread.ts), started by the extension from beside its own bundle
  jobs.push(build({ ...common, ...shipped, entryPoints: ['extension/core/timeline/off-thread-worker.ts'], outfile: 'dist/timeline-worker.js' }));
}
if (existsSync('webview/main.ts')) {
  jobs.push(
    build({
      ...shipped,
      bundle: true,
      platform: 'browser',
      target: 'chrome120',
      format: 'iife',
      sourcemap: true,
      logLevel: 'warning',
      entryPoints: ['webview/main.ts'],
      outfile: 'dist/webview.js',
    }),
    build({ minify: true, bundle: true, logLevel: 'warning', entryPoints: ['webview/index.css'], outfile: 'dist/webview.css' }),
  );
}
if (existsSync('test/editor/suite/index.ts')) {
  jobs.push(build({ ...common, entryPoints: ['test/editor/suite/index.ts'], outfile: 'out/editor-suite/index.js', external: ['vscode', 'mocha'] }));
}
await Promise.all(jobs);
chmodSync('dist/cli.js', 0o755);
