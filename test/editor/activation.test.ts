// Activation outside an editor (the `vscode` module stubbed): it evaluates no database driver, which a command loads
// when it first needs one; and the commands it registers are exactly the ones package.json contributes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { installVscodeStub } from './vscode-stub';

const ROOT = resolve(__dirname, '../..');
const stub = installVscodeStub();

/** commands registered for links and other callers, never offered to the user: need not be contributed */
const INTERNAL = new Set(['incidentReplay.openLink']);

const loadedPackages = (names: readonly string[]) =>
  names.filter((name) => Object.keys(require.cache).some((file) => file.includes(`${join('node_modules', name)}/`) && !file.endsWith('package.json')));

describe('activation', () => {
  test('evaluates none of mysql2, pg, mongodb, ioredis or hdr-histogram-js; the first command to need one loads it', async () => {
    const { activate } = await import('../../extension/host/extension');
    await activate(stub.context as never);
    const { DRIVER_PACKAGES, mysql2 } = await import('../../extension/core/drivers');
    assert.deepEqual(loadedPackages([...DRIVER_PACKAGES, 'hdr-histogram-js']), []);
    // what the assertion above looks for is there to find once a command needs it
    mysql2();
    assert.deepEqual(loadedPackages(DRIVER_PACKAGES), ['mysql2']);
  });

  test('registers every command package.json contributes, and contributes every command it registers', async () => {
    const { activate } = await import('../../extension/host/extension');
    if (stub.commands.length === 0) await activate(stub.context as never);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual([...new Set(stub.commands)].filter((c) => !INTERNAL.has(c) || contributed.includes(c)).sort(), contributed);
  });
});
