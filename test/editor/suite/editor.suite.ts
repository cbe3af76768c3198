// Inside VS Code: every contributed command is registered, Open Transcript shows the timeline and the commands
// drive it, and *.transcript.jsonl opens in the read-only custom editor.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { analyzeTranscript } from '../../../extension/core/pairing';
import type { ExportedDraft, ReviewNote } from '../../../extension/core/review';
import { svgProblem } from '../../helpers/svg-check';
import type { CursorReport } from '../../../webview/protocol';

const EXTENSION_ID = 'incident-replay.incident-replay';

async function transcript(): Promise<vscode.Uri> {
  const found = await vscode.workspace.findFiles('**/*.transcript.jsonl', undefined, 10);
  const desync = found.find((u) => u.path.includes('2008')) ?? found[0];
  assert.ok(desync, 'the test workspace holds a transcript');
  return desync;
}

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Incident Replay in VS Code', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    await ext.activate();
  });

  it('registers every command it contributes, all under the category "Incident Replay"', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID) as vscode.Extension<unknown>;
    const contributed = ext.packageJSON.contributes.commands as Array<{ command: string; category: string }>;
    assert.ok(contributed.length >= 9);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of contributed) {
      assert.ok(registered.has(c.command), `${c.command} is registered`);
      assert.equal(c.category, 'Incident Replay');
    }
    for (const id of ['openTranscript', 'recordTranscript', 'reproduce2008', 'nextFinding', 'previousFinding', 'stepForward', 'stepBack', 'showOutput']) {
      assert.ok(
        contributed.some((c) => c.command === `incidentReplay.${id}`),
        `incidentReplay.${id} is contributed`,
      );
    }
  });

  it('Open Transcript shows the timeline; Next Finding, Step Forward and Previous Finding move its cursor', async () => {
    // a timeline of the same transcript left open by an earlier test would keep its cursor: start from none
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const uri = await transcript();
    const opened = (await vscode.commands.executeCommand('incidentReplay.openTranscript', uri)) as { events: number; findings: number };
    assert.ok(opened.events > 0);
    assert.ok(opened.findings > 0, 'the 2008 desync has findings');
    const first = (await vscode.commands.executeCommand('incidentReplay.nextFinding')) as CursorReport;
    assert.equal(first.finding, 0);
    assert.ok(first.findingKind);
    const stepped = (await vscode.commands.executeCommand('incidentReplay.stepForward')) as CursorReport;
    assert.equal(stepped.event, first.event + 1);
    const back = (await vscode.commands.executeCommand('incidentReplay.stepBack')) as CursorReport;
    assert.equal(back.event, first.event);
    const mismatches: CursorReport[] = [];
    for (let i = 0; i < opened.findings; i++) {
      const r = (await vscode.commands.executeCommand('incidentReplay.nextFinding')) as CursorReport;
      if (r.findingKind === 'mismatch') mismatches.push(r);
    }
    assert.ok(mismatches.length > 0, 'Next Finding reaches a mismatch');
    const prev = (await vscode.commands.executeCommand('incidentReplay.previousFinding')) as CursorReport;
    assert.ok(prev.finding >= 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens *.transcript.jsonl in the read-only custom editor, which the commands then drive', async () => {
    const uri = await transcript();
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await until('the custom editor tab', () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputCustom ? t : undefined;
    });
    const input = tab.input as vscode.TabInputCustom;
    assert.equal(input.viewType, 'incidentReplay.transcript');
    assert.equal(input.uri.toString(), uri.toString());
    // the command waits for the timeline to be interactive, then steps from no cursor to the first event
    const stepped = (await vscode.commands.executeCommand('incidentReplay.stepForward')) as CursorReport | undefined;
    assert.equal(stepped?.event, 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers Open Shard Metrics…, Run Benchmark…, Open Benchmark Results… and Run Mismatch Check… in the palette', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID) as vscode.Extension<unknown>;
    const contributed = ext.packageJSON.contributes.commands as Array<{ command: string; title: string }>;
    const registered = new Set(await vscode.commands.getCommands(true));
    const want: Record<string, string> = {
      openShardMetrics: 'Open Shard Metrics…',
      runBenchmark: 'Run Benchmark…',
      openBenchResults: 'Open Benchmark Results…',
      runMismatchCheck: 'Run Mismatch Check…',
    };
    for (const [id, title] of Object.entries(want)) {
      assert.ok(registered.has(`incidentReplay.${id}`), `incidentReplay.${id} is registered`);
      assert.equal(contributed.find((c) => c.command === `incidentReplay.${id}`)?.title, title);
    }
  });

  it('Open Shard Metrics on the Foursquare replay draws one chart per shard', async () => {
    const [metrics] = await vscode.workspace.findFiles('**/*.metrics.csv', undefined, 1);
    assert.ok(metrics, 'the test workspace holds the Foursquare metrics file');
    const charts = (await vscode.commands.executeCommand('incidentReplay.openShardMetrics', metrics)) as number;
    assert.equal(charts, 6, 'six shards by the end of the replay');
    // the same file again reuses the panel, which has drawn already
    assert.equal(await vscode.commands.executeCommand('incidentReplay.openShardMetrics', metrics), 6);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("Add Review Note on the first mismatch, Export Postmortem Draft, and the draft's link opens the transcript at that event", async () => {
    const uri = await transcript();
    await vscode.commands.executeCommand('incidentReplay.openTranscript', uri);
    // the list shows mismatches first: Next Finding from no cursor lands on the first one
    const first = (await vscode.commands.executeCommand('incidentReplay.nextFinding')) as CursorReport;
    assert.equal(first.findingKind, 'mismatch');
    const note = (await vscode.commands.executeCommand('incidentReplay.addReviewNote', {
      on: 'finding',
      text: "The first wrong answer: the client took another key's file.",
    })) as ReviewNote | undefined;
    assert.ok(note, 'the note was added on the selected finding');
    assert.equal(note.on, 'finding');
    assert.equal(note.kind, 'mismatch');
    assert.equal(note.event, first.event);
    const review = JSON.parse(await readFile(uri.fsPath.replace(/\.transcript\.jsonl$/, '.review.json'), 'utf8')) as { format: string; notes: ReviewNote[] };
    assert.equal(review.format, 'incident-replay/review');
    assert.ok(review.notes.some((n) => n.id === note.id && n.event === first.event));

    const draft = (await vscode.commands.executeCommand('incidentReplay.exportPostmortemDraft', uri, { replace: true })) as ExportedDraft | undefined;
    assert.ok(draft, 'the draft was written');
    assert.equal(dirname(draft.markdown), dirname(uri.fsPath));
    const md = await readFile(draft.markdown, 'utf8');
    const engine = await analyzeTranscript(uri.fsPath);
    assert.match(md, new RegExp(`^\\| mismatch \\| ${engine.summary.findings.mismatch} \\|$`, 'm'));
    assert.match(md, new RegExp(`### Note ${note.id}: .*on the mismatch finding\\n\\n> The first wrong answer`));
    const pictures = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => join(dirname(draft.markdown), decodeURI(m[1])));
    assert.ok(pictures.length >= engine.summary.findings.mismatch);
    for (const p of pictures) assert.equal(svgProblem(await readFile(p, 'utf8')), null, p);
    const link = new RegExp(`### Note ${note.id}:[\\s\\S]*?\\[Open the transcript at event \\d+\\]\\((vscode://[^)]+)\\)`).exec(md)?.[1];
    assert.ok(link, 'the note has its link');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // the link as the URI handler takes it: the transcript opens again, at the note's event
    const at = (await vscode.commands.executeCommand('incidentReplay.openLink', link)) as CursorReport | undefined;
    assert.equal(at?.event, first.event);
    assert.equal(at?.findingKind, 'mismatch');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a command given to a timeline behind another tab shows it, waits for its load and acts; Play, Pause and Fit All are answered', async () => {
    const uri = await transcript();
    await vscode.commands.executeCommand('incidentReplay.openTranscript', uri);
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    const isTimeline = (t: vscode.Tab | undefined) => t?.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('incidentReplay.timeline');
    assert.ok(!isTimeline(vscode.window.tabGroups.activeTabGroup.activeTab), 'the timeline is behind the new tab');
    const stepped = (await vscode.commands.executeCommand('incidentReplay.stepForward')) as CursorReport | undefined;
    assert.equal(stepped?.event, 0, 'the step was done, from no cursor to the first event');
    assert.ok(isTimeline(vscode.window.tabGroups.activeTabGroup.activeTab), 'the timeline was brought to the front');
    for (const id of ['play', 'pause', 'fitAll']) assert.ok(await vscode.commands.executeCommand(`incidentReplay.${id}`), `${id} is answered`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Show Output runs', async () => {
    await vscode.commands.executeCommand('incidentReplay.showOutput');
  });
});
