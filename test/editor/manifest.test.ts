// package.json as VS Code reads it: every keybinding is scoped to the timeline and can be rebound; every command is
// either meant for everywhere or hidden from the palette where it cannot act; what needs trust says so; the
// walkthrough's links and media, the icon and the restricted settings all exist.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = resolve(__dirname, '../..');

interface Manifest {
  icon: string;
  capabilities: {
    untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[]; description?: string };
    virtualWorkspaces: boolean;
  };
  contributes: {
    commands: { command: string; title: string }[];
    keybindings: { command: string; key: string; when?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default?: unknown }> };
    walkthroughs: { steps: { id: string; description: string; media: { image?: string; markdown?: string }; completionEvents?: string[] }[] }[];
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const c = manifest.contributes;
const palette = new Map(c.menus.commandPalette.map((m) => [m.command, m.when ?? '']));

/** commands that can act from anywhere: they ask for what they need (a file, a URL) */
const GLOBAL = new Set(
  [
    'openTranscript',
    'reproduce2008',
    'showOutput',
    'openShardMetrics',
    'openBenchResults',
    'openVerdict',
    'forgetDatabasePassword',
    'addReviewNote',
    'exportPostmortemDraft',
  ].map((id) => `incidentReplay.${id}`),
);
/** commands that act on a timeline: offered only while one is open, and bound to keys while one is active */
const TIMELINE = ['nextFinding', 'previousFinding', 'stepForward', 'stepBack', 'play', 'pause', 'fitAll'].map((id) => `incidentReplay.${id}`);
/** commands that open ports, run programs or connect to servers: not in Restricted Mode */
const TRUSTED = ['recordTranscript', 'runMismatchCheck', 'checkClient', 'runBenchmark', 'runBenchConfig'].map((id) => `incidentReplay.${id}`);

describe('package.json', () => {
  test('every command is meant for everywhere or has a commandPalette when clause', () => {
    for (const { command } of c.commands) {
      assert.ok(
        GLOBAL.has(command) || palette.get(command),
        `${command}: no commandPalette "when" (or add it to GLOBAL in this test if it acts from anywhere)`,
      );
    }
  });

  test('timeline commands: in the palette while a timeline is open, bound to keys (with a when clause) while one is active, on its title bar', () => {
    for (const command of TIMELINE) {
      assert.ok(
        c.commands.some((x) => x.command === command),
        `${command} is contributed`,
      );
      assert.match(palette.get(command) ?? '', /incidentReplay\.timelineOpen/, command);
      const keys = c.keybindings.filter((k) => k.command === command);
      assert.equal(keys.length, 1, `${command} has one keybinding`);
      assert.match(keys[0].when ?? '', /activeWebviewPanelId == 'incidentReplay\.timeline'/);
      assert.match(keys[0].when ?? '', /activeCustomEditorId == 'incidentReplay\.transcript'/);
      // the timeline's page takes these keys unmodified itself; the workbench would run the command a second time
      assert.match(keys[0].key, /alt\+/, `${command}: ${keys[0].key} carries Alt, which the page leaves to the workbench`);
    }
    for (const k of c.keybindings) assert.ok(k.when, `${k.command} (${k.key}) has a when clause`);
    const title = c.menus['editor/title'].map((m) => m.command);
    for (const command of ['incidentReplay.previousFinding', 'incidentReplay.nextFinding', 'incidentReplay.fitAll'])
      assert.ok(title.includes(command), `${command} on the editor title`);
  });

  test('Restricted Mode: limited support, the commands that need trust hidden there, the settings they read restricted', () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.ok(u.description && u.description.length > 20);
    assert.equal(manifest.capabilities.virtualWorkspaces, false);
    for (const command of TRUSTED) assert.match(palette.get(command) ?? '', /\bisWorkspaceTrusted\b/, command);
    for (const key of ['incidentReplay.databaseUrls', 'incidentReplay.record.listen', 'incidentReplay.faultPresets']) {
      assert.ok(u.restrictedConfigurations?.includes(key), `${key} is restricted`);
      assert.ok(c.configuration.properties[key], `${key} is a contributed setting`);
    }
  });

  test("the recorder does not offer the embedded tracker's port, 7001", () => {
    assert.doesNotMatch(String(c.configuration.properties['incidentReplay.record.listen'].default), /:7001$/);
  });

  test('the icon is a 128×128 PNG', () => {
    const png = readFileSync(join(ROOT, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  test('the walkthrough: each step has media that exists and a command link to a contributed command', () => {
    const steps = c.walkthroughs.flatMap((w) => w.steps);
    assert.deepEqual(
      steps.map((s) => s.id),
      ['reproduce', 'timeline', 'mismatch', 'metrics'],
    );
    for (const s of steps) {
      const media = s.media.image ?? s.media.markdown ?? '';
      assert.ok(media.startsWith('media/') && existsSync(join(ROOT, media)), `${s.id}: ${media} exists`);
      const link = /\(command:([\w.]+)/.exec(s.description)?.[1];
      assert.ok(link && c.commands.some((x) => x.command === link), `${s.id}: links to ${link}`);
    }
  });
});
