// The mismatch-check verdict: the client and the conditions, the tallies (requests, verified, timeouts, errors,
// mismatches), every mismatch with its place in the transcript, what the wire showed, and a button that opens the
// run's transcript in the timeline. Everything from the verdict goes in as text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { CheckPayload } from './protocol';
import { verdictWords } from '../extension/core/check/verdict';
import { fmtUs } from '../extension/core/time-text';

export class CheckPage {
  readonly items: number;

  constructor(root: HTMLElement, p: CheckPayload, open: (mismatch: number) => void) {
    const doc = root.ownerDocument;
    const v = p.verdict;
    const errors = Object.values(v.errors).reduce((a, b) => a + b, 0);
    const verdict = doc.createElement('div');
    verdict.id = 'check-verdict';
    verdict.dataset.mismatches = String(v.mismatches.length);
    // a cancelled run, a mismatch, an inconclusive run and a clean one each look their own
    verdict.dataset.state = v.cancelled ? 'cancelled' : (v.verdict ?? (v.mismatches.length ? 'mismatch' : 'clean'));
    // a verdict file written before verdicts had words of their own carries no `verdict`: the client's count decides
    verdict.textContent = v.verdict
      ? verdictWords(v)
      : v.mismatches.length === 0
        ? `clean: no response reached the wrong request (${v.verified.toLocaleString('en-US')} answers checked against their keys)`
        : `mismatch: ${v.mismatches.length} responses reached the wrong request`;
    const tallies = doc.createElement('table');
    tallies.id = 'check-table';
    const head = tallies.createTHead().insertRow();
    const cols = ['client', 'version', 'requests', 'verified', 'timeouts', 'missing', 'errors', 'mismatches'];
    for (const c of cols) {
      const th = doc.createElement('th');
      th.textContent = c;
      head.append(th);
    }
    const row = tallies.createTBody().insertRow();
    const errorText =
      errors === 0
        ? '0'
        : `${errors} (${Object.entries(v.errors)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')})`;
    const cells = [v.client, v.version, v.requests, v.verified, v.timeouts, v.missing, errorText, v.mismatches.length];
    cells.forEach((x, i) => {
      const td = row.insertCell();
      td.dataset.col = cols[i];
      td.textContent = typeof x === 'number' ? x.toLocaleString('en-US') : x;
    });
    const conditions = doc.createElement('div');
    conditions.id = 'check-conditions';
    conditions.textContent = `against ${v.target}, ${v.latency} injected, client timeout ${v.timeoutMs} ms, concurrency ${v.concurrency}`;
    const w = v.wire;
    const wire = doc.createElement('div');
    wire.id = 'check-wire';
    wire.textContent =
      `on the wire: ${w.requests} requests, ${w.responses} responses on ${w.connections} connections; ${w.mismatches} mismatches` +
      `${w.sameKeyMismatches ? ` (${w.sameKeyMismatches} between two requests for the same key)` : ''}, ${w.timeouts} timeouts, ${w.late} late, ${w.unanswered} unanswered` +
      (v.agrees ? ' — the transcript agrees with the client' : ' — the transcript does not agree with the client');
    if (!v.agrees) wire.dataset.disagrees = 'true';
    root.append(verdict, tallies, conditions, wire);
    if (v.lateCallbacks > 0) {
      const late = doc.createElement('div');
      late.textContent = `the driver called back ${v.lateCallbacks} times more than once for one request (late answers after a timeout)`;
      root.append(late);
    }
    const actions = doc.createElement('div');
    actions.id = 'check-actions';
    const button = doc.createElement('vscode-button');
    button.id = 'open-transcript';
    button.textContent = v.mismatches.length ? 'Open the transcript at the first mismatch' : 'Open the transcript in the timeline';
    button.title = v.transcript;
    if (!p.transcriptFound) {
      button.setAttribute('disabled', '');
      button.title = `${v.transcript}: not found`;
    }
    button.addEventListener('click', () => p.transcriptFound && open(v.mismatches.length ? 0 : -1));
    const where = doc.createElement('span');
    where.className = 'dim';
    where.textContent = v.transcript;
    actions.append(button, where);
    root.append(actions);
    this.items = 1 + v.mismatches.length;
    if (v.mismatches.length === 0) return;
    const h = doc.createElement('h2');
    h.textContent = 'Mismatches: the key asked for, the key whose row came back, where in the transcript';
    const mt = doc.createElement('table');
    mt.id = 'check-mismatches';
    const mh = mt.createTHead().insertRow();
    for (const c of ['#', 'asked', 'got', 'at', 'connection', '']) {
      const th = doc.createElement('th');
      th.textContent = c;
      mh.append(th);
    }
    const body = mt.createTBody();
    v.mismatches.forEach((m, i) => {
      const r = body.insertRow();
      for (const x of [String(i + 1), m.asked, m.got, fmtUs(m.t), m.conn === null ? '–' : String(m.conn)]) r.insertCell().textContent = x;
      const go = doc.createElement('vscode-button');
      go.setAttribute('secondary', '');
      go.textContent = 'Show';
      go.title = 'Open the transcript at this mismatch';
      if (!p.transcriptFound) go.setAttribute('disabled', '');
      go.addEventListener('click', () => p.transcriptFound && open(i));
      r.insertCell().append(go);
    });
    root.append(h, mt);
  }

  dispose(): void {
    // nothing held beyond the DOM
  }
}
