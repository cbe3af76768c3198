// Add Review Note… and Export Postmortem Draft. A note is written on what the active timeline has selected (the
// finding the cursor is on, else its event, or a time range dragged with Shift) into `<name>.review.json` beside the
// transcript, and marked on every timeline of that transcript; the file is watched, so an edit by hand or a `git
// pull` shows too. The draft is the CLI's (`incident-replay report`), and an existing one is replaced only when the
// user says so.
import * as vscode from 'vscode';
import { UserError } from '../core/errors';
import { fmtUs } from '../core/pairing';
import {
  DraftExistsError,
  exportDraft,
  readReview,
  reviewPathOf,
  withNote,
  writeReview,
  type ExportedDraft,
  type Review,
  type ReviewNote,
} from '../core/review';
import type { NoteMark, TimelineSelection } from '../../webview/review-protocol';
import { pickFiles, registerCommands } from './commands';
import type { Log } from './output';
import type { TimelineSession } from './timeline-session';
import type { Timelines } from './timelines';

/** What Add Review Note… may be given instead of asking (for keybindings and tests). */
interface NoteArgs {
  text?: string;
  on?: ReviewNote['on'];
}

export function registerReviewCommands(context: vscode.ExtensionContext, timelines: Timelines, log: Log): void {
  const mark = (s: TimelineSession) =>
    void readReview(s.uri.fsPath).then(
      (r) => s.showNotes(marks(r)),
      (err: Error) => log.warn(err.message),
    );
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.review.json');
  const refresh = (uri: vscode.Uri) => {
    for (const s of timelines.all) if (s.uri.scheme === 'file' && reviewPathOf(s.uri.fsPath) === uri.fsPath) mark(s);
  };
  context.subscriptions.push(
    timelines.onDidAttach((s) => s.uri.scheme === 'file' && mark(s)),
    watcher,
    watcher.onDidChange(refresh),
    watcher.onDidCreate(refresh),
    watcher.onDidDelete(refresh),
  );
  registerCommands(context, log, [
    { id: 'incidentReplay.addReviewNote', title: 'Add Review Note…', run: (args?: NoteArgs) => addNote(timelines, log, args) },
    {
      id: 'incidentReplay.exportPostmortemDraft',
      title: 'Export Postmortem Draft',
      run: (uri?: unknown, opts?: { replace?: boolean }) => exportCommand(timelines, log, uri, opts),
    },
  ]);
}

export function marks(r: Review): NoteMark[] {
  return r.notes.map((n) => ({ id: n.id, on: n.on, event: n.event, tUs: n.tUs, toUs: n.toUs ?? null, conn: n.conn, text: n.text }));
}

type Draft = Omit<ReviewNote, 'id' | 'text' | 'created'>;

/** The notes the selection allows: on the range, on the finding the cursor is on, else on the cursor's event. */
function choices(sel: TimelineSelection): Array<{ label: string; note: Draft }> {
  const out: Array<{ label: string; note: Draft }> = [];
  const r = sel.range;
  if (r && r.event >= 0) {
    out.push({
      label: `On the range from ${fmtUs(r.fromUs)} to ${fmtUs(r.toUs)}${r.conn === null ? ', every connection' : `, connection ${r.conn}`}`,
      note: { on: 'range', event: r.event, tUs: r.fromUs, toUs: r.toUs, conn: r.conn },
    });
  }
  if (sel.finding && sel.finding.event === sel.event) {
    out.push({
      label: `On the ${sel.finding.kind} finding at ${fmtUs(sel.tUs)}, connection ${sel.conn}`,
      note: { on: 'finding', kind: sel.finding.kind, event: sel.event, tUs: sel.tUs, conn: sel.conn },
    });
  } else if (sel.event >= 0) {
    out.push({
      label: `On event ${sel.event + 1} at ${fmtUs(sel.tUs)}, connection ${sel.conn}`,
      note: { on: 'event', event: sel.event, tUs: sel.tUs, conn: sel.conn },
    });
  }
  return out;
}

async function addNote(timelines: Timelines, log: Log, args?: NoteArgs): Promise<ReviewNote | undefined> {
  const s = timelines.current();
  if (!s || s.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('Incident Replay: open a transcript first, then select an event, a finding or (Shift+drag) a time range.');
    return undefined;
  }
  await s.interactive();
  let options = choices(s.selection);
  if (args?.on) options = options.filter((o) => o.note.on === args.on);
  if (options.length === 0) {
    void vscode.window.showInformationMessage(
      `Incident Replay: select ${args?.on ? `a ${args.on}` : 'an event, a finding or (Shift+drag) a time range'} on the timeline first.`,
    );
    return undefined;
  }
  // a note being written stays open when the focus moves (a look at the timeline meanwhile, a view finishing its load)
  const picked = options.length === 1 ? options[0] : await vscode.window.showQuickPick(options, { title: 'Add Review Note: on what?', ignoreFocusOut: true });
  if (!picked) return undefined;
  const text =
    args?.text ??
    (await vscode.window.showInputBox({
      title: `Add Review Note: ${picked.label}`,
      prompt: 'The note (written to the review file beside the transcript)',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? null : 'A note needs words'),
    }));
  if (!text?.trim()) return undefined;
  try {
    const { review, note } = withNote(await readReview(s.uri.fsPath), { ...picked.note, text: text.trim(), created: new Date().toISOString() });
    const file = await writeReview(s.uri.fsPath, review);
    for (const t of timelines.all) if (t.uri.toString() === s.uri.toString()) t.showNotes(marks(review));
    log.info(`note ${note.id} added to ${file}`);
    void vscode.window.setStatusBarMessage(`Incident Replay: note ${note.id} added to ${file.split('/').pop()}`, 4000);
    return note;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    void vscode.window.showErrorMessage(`Incident Replay: ${err.message}`);
    return undefined;
  }
}

/** The transcript to export: the one given, else the active timeline's, else the active editor's. */
async function exportCommand(timelines: Timelines, log: Log, uri?: unknown, opts?: { replace?: boolean }): Promise<ExportedDraft | undefined> {
  // the explorer's file, else the timeline in front, else a transcript or metrics file open in the editor, else one picked
  const doc = vscode.window.activeTextEditor?.document.uri;
  const given =
    uri instanceof vscode.Uri ? uri : (timelines.current()?.uri ?? (doc && /\.(transcript\.jsonl|metrics\.(csv|jsonl))$/.test(doc.path) ? doc : undefined));
  const [target] = await pickFiles(given, undefined, {
    title: 'Export Postmortem Draft',
    label: 'Export Postmortem Draft',
    filters: { Transcripts: ['jsonl'] },
  });
  if (!target) return undefined;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Incident Replay: ${target.toString()}: only transcripts on this machine's disk can be exported`);
    return undefined;
  }
  const file = target.fsPath;
  const run = (force: boolean) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Incident Replay: writing the postmortem draft…' }, () =>
      exportDraft(file, { force, lenient: true }),
    );
  try {
    let d: ExportedDraft;
    try {
      d = await run(false);
    } catch (err) {
      if (!(err instanceof DraftExistsError)) throw err;
      // the caller may answer up front (tests); else the user is asked
      const replace =
        opts?.replace ??
        (await vscode.window.showWarningMessage(`${err.path.split('/').pop()} is already there. Replace it and its pictures?`, { modal: true }, 'Replace')) ===
          'Replace';
      if (!replace) return undefined;
      d = await run(true);
    }
    log.info(`postmortem draft: ${d.markdown} (${d.mismatches} mismatches, ${d.notes} notes, ${d.pictures.length} pictures)`);
    await vscode.window.showTextDocument(vscode.Uri.file(d.markdown), { preview: false, viewColumn: vscode.ViewColumn.Beside });
    return d;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    log.warn(err.message);
    void vscode.window.showErrorMessage(`Incident Replay: ${err.message}`);
    return undefined;
  }
}
