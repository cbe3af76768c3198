// Run in a fresh Node process, bundled by bench/extension.bench.ts (so that no TypeScript loader sits between Node and
// the bundle): loads an extension bundle with `vscode` stubbed, calls its `activate`, and prints how long each took as
// one JSON line. Without a bundle it measures the stub alone: the anchor.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { installVscodeStub } from '../test/editor/vscode-stub';

async function main(): Promise<void> {
  const bundle = process.argv[2];
  const stub = installVscodeStub();
  const t0 = performance.now();
  const ext = (bundle ? createRequire(__filename)(bundle) : { activate: () => undefined }) as { activate(c: unknown): unknown };
  const t1 = performance.now();
  await ext.activate(stub.context);
  const t2 = performance.now();
  process.stdout.write(`${JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, commands: stub.commands.length })}\n`);
  // what activation started (a status bar item's timer, a watcher) must not keep the probe alive
  process.exit(0);
}

void main();
