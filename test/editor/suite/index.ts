// The extension-host test entry (extensionTestsPath): runs the mocha suites inside a real VS Code (code-server),
// with the vscode API for real. Bundled by scripts/build.mjs to out/editor-suite/index.js.
import Mocha from 'mocha';
import { format } from 'node:util';

export async function run(): Promise<void> {
  // code-server passes console output through with raw %s: format it here
  Mocha.reporters.Base.consoleLog = (...a: unknown[]) => console.log(format(...a));
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'editor-suite', mocha);
  await import('./editor.suite');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} editor tests failed`);
}
