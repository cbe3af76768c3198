// The timeline page: builds it, says `ready`, then takes the host's messages (load, chunks, done, details replies,
// commands). Keeps its view in vscode.setState so hide/show and reload restore it.
import type { TimelineSummary } from '../extension/core/timeline/model';
import { DetailsPane } from './details';
import { FindingsList } from './findings';
import { assertUnreachable, MAX_TEXTS_ASKED, parseViewState, type CursorReport, type HostMessage, type ViewCommand, type ViewState, type WebviewMessage } from './protocol';
import { TimelineStore } from './store';
import { TimelineView } from './timeline-view';
import { SPEEDS, Toolbar } from './toolbar';
import { fmtTime } from './viewport';
import type { VsCodeApi } from './vscode-api';

export function startTimeline(vscode: VsCodeApi<ViewState, WebviewMessage>): void {
  const doc = document;
  const store = new TimelineStore();
  let source = '';
  let restored = parseViewState(vscode.getState());
  let detailsId = 0;
  let textsId = 0;
  /** a texts request is out: the next waits for its answer, so a fast pan asks for what is drawn, not for every frame */
  let textsAsked = false;
  /** texts answers to requests made before the last load are for another model */
  let textsFloor = 0;
  let detailsTimer = 0;
  let stateTimer = 0;
  let loaded = false;

  const summaryLine = doc.createElement('div');
  summaryLine.id = 'summary';
  summaryLine.setAttribute('role', 'status');
  const details = new DetailsPane(doc);
  const findings = new FindingsList(doc, (n) => {
    view.selectFinding(n);
    view.canvas.focus();
  });
  const view = new TimelineView(
    doc,
    store,
    (reason) => cursorMoved(reason),
    () => saveState(),
    (playing) => toolbar.setPlaying(playing),
  );
  const toolbar = new Toolbar(doc, {
    command: (c) => (c === 'playPause' ? view.setPlaying(!view.playing) : run(c)),
    speed: (x) => {
      view.speed = x;
      saveState();
    },
  });
  const plot = doc.createElement('div');
  plot.id = 'plot';
  plot.append(view.canvas);
  const middle = doc.createElement('div');
  middle.id = 'middle';
  middle.append(plot, findings.root);
  doc.body.append(toolbar.root, summaryLine, middle, details.root);
  new ResizeObserver(() => view.resize(plot.clientWidth, plot.clientHeight)).observe(plot);

  function run(c: ViewCommand): void {
    switch (c) {
      case 'nextFinding':
        return view.jumpFinding(1);
      case 'prevFinding':
        return view.jumpFinding(-1);
      case 'stepForward':
        return view.step(1);
      case 'stepBack':
        return view.step(-1);
      case 'fitAll':
        return view.fitAll();
      case 'play':
        return view.setPlaying(true);
      case 'pause':
        return view.setPlaying(false);
      default:
        assertUnreachable(c);
    }
  }

  function cursorMoved(reason: 'step' | 'play' | 'pick'): void {
    findings.select(view.finding);
    saveState();
    // while playing, ask for details a few times a second rather than every frame
    window.clearTimeout(detailsTimer);
    detailsTimer = window.setTimeout(requestDetails, reason === 'play' ? 200 : 0);
  }

  function requestTexts(): void {
    if (textsAsked || !store.wanting) return;
    const events = store.takeWanted(MAX_TEXTS_ASKED);
    textsAsked = true;
    vscode.postMessage({ type: 'requestTexts', id: ++textsId, events });
  }
  store.onWant = requestTexts;

  function requestDetails(): void {
    if (view.cursor < 0) return;
    vscode.postMessage({ type: 'requestDetails', id: ++detailsId, event: view.cursor });
  }

  function cursorReport(): CursorReport {
    return { event: view.cursor, finding: view.finding, findingKind: store.findings[view.finding]?.kind ?? null };
  }

  function currentState(): ViewState {
    const v = view.view;
    return { v: 1, source, cursor: view.cursor, t0Us: v.t0Us, usPerPx: v.usPerPx, laneTop: v.laneTop, speed: view.speed };
  }

  function saveState(): void {
    if (!loaded) return;
    window.clearTimeout(stateTimer);
    stateTimer = window.setTimeout(() => {
      const state = currentState();
      vscode.setState(state);
      vscode.postMessage({ type: 'stateChanged', state });
    }, 150);
  }

  function showSummary(s: TimelineSummary): void {
    const total = Object.values(s.findings).reduce((a, b) => a + b, 0);
    const parts = [
      `${s.file} (${s.protocol})`,
      `${s.events.toLocaleString('en-US')} events`,
      s.verdict,
      total === 0 ? 'no findings' : `${total} findings (${Object.entries(s.findings).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ')})`,
      `span ${fmtTime(s.lastUs - s.firstUs)}`,
    ];
    if (s.skippedLines > 0) parts.push(`${s.skippedLines} bad lines skipped`);
    if (s.truncatedLastLine) parts.push('last line truncated');
    summaryLine.textContent = parts.join(' · ');
    summaryLine.dataset.mismatches = String(s.findings.mismatch);
    summaryLine.dataset.verdict = s.verdictKind;
  }

  function onMessage(msg: HostMessage): void {
    switch (msg.type) {
      case 'load':
        source = msg.source;
        loaded = false;
        textsAsked = false;
        textsFloor = textsId;
        store.reset();
        view.cursor = -1;
        view.finding = -1;
        doc.title = msg.title;
        summaryLine.textContent = `Loading ${msg.title}…`;
        details.clear('Loading…');
        findings.render([], 0, null);
        toolbar.setProgress(0);
        return;
      case 'progress':
        toolbar.setProgress(msg.fraction);
        summaryLine.textContent = `Loading… ${msg.events.toLocaleString('en-US')} events`;
        return;
      case 'chunk': {
        const first = store.count === 0;
        store.append(msg.chunk);
        if (first) view.fitAll();
        view.redraw();
        if (first) requestAnimationFrame(() => vscode.postMessage({ type: 'firstFrame', events: store.count }));
        return;
      }
      case 'done':
        finishLoad(msg.summary);
        return;
      case 'error':
        toolbar.setProgress(null);
        summaryLine.textContent = msg.message;
        summaryLine.dataset.error = 'true';
        return;
      case 'texts':
        if (msg.id <= textsFloor) return;
        textsAsked = false;
        store.setTexts(msg.events, msg.texts);
        view.redraw();
        requestTexts();
        return;
      case 'details':
        if (msg.id !== detailsId) return; // an answer to an older request: the cursor has moved on
        if (msg.details) details.show(msg.details, store.tUs[msg.details.event]);
        else details.clear('No details for this event.');
        return;
      case 'command':
        run(msg.command);
        vscode.postMessage({ type: 'commandDone', id: msg.id, cursor: cursorReport() });
        return;
      default:
        assertUnreachable(msg);
    }
  }

  function finishLoad(s: TimelineSummary): void {
    store.summary = s;
    store.sortFindings();
    toolbar.setProgress(null);
    showSummary(s);
    const listedAll = s.findingsListed === store.findings.length;
    findings.render(store.findings, listedAll ? Object.values(s.findings).reduce((a, b) => a + b, 0) : store.findings.length, store.findings.length === 0 ? s.verdict : null, (f) => store.tUs[f.event] ?? f.tUs);
    view.fitAll();
    loaded = true;
    if (restored && restored.source === source) {
      const r = restored;
      Object.assign(view.view, { t0Us: r.t0Us, usPerPx: r.usPerPx, laneTop: r.laneTop });
      view.speed = SPEEDS.includes(r.speed) ? r.speed : 1;
      toolbar.setSpeed(view.speed);
      if (r.cursor >= 0 && r.cursor < store.count) {
        view.cursor = r.cursor;
        requestDetails();
      }
    }
    restored = null;
    saveState();
    view.redraw();
    requestAnimationFrame(() => vscode.postMessage({ type: 'interactive', events: store.count, findings: store.findings.length }));
  }

  window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
    if (e.data && typeof e.data === 'object' && typeof e.data.type === 'string') onMessage(e.data);
  });

  doc.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement | null;
    if (target?.closest('#findings') && (e.key === 'Enter' || e.key === ' ')) return;
    if (target?.closest('vscode-single-select, vscode-button')) return;
    const keys: Record<string, () => void> = {
      ArrowRight: () => run('stepForward'),
      ArrowLeft: () => run('stepBack'),
      F8: () => run(e.shiftKey ? 'prevFinding' : 'nextFinding'),
      n: () => run('nextFinding'),
      p: () => run('prevFinding'),
      ' ': () => view.setPlaying(!view.playing),
      Home: () => run('fitAll'),
      '0': () => run('fitAll'),
      '+': () => zoom(0.5),
      '=': () => zoom(0.5),
      '-': () => zoom(2),
      ArrowUp: () => panLanes(-1),
      ArrowDown: () => panLanes(1),
    };
    const act = keys[e.key];
    if (!act || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    act();
  });

  function zoom(factor: number): void {
    const v = view.view;
    const x = view.cursor >= 0 ? v.x(store.tUs[view.cursor]) : v.widthPx / 2;
    v.zoomAt(x, factor);
    saveState();
    view.redraw();
  }

  function panLanes(d: number): void {
    view.view.pan(0, d, store.lanes.length);
    saveState();
    view.redraw();
  }

  vscode.postMessage({ type: 'ready' });
}
