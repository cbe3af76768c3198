// The timeline page: builds it, says `ready`, then takes the host's messages (load, chunks, done, details replies,
// commands). Keeps its view (cursor, zoom, the selected finding, the findings filter) in vscode.setState so hide/show
// and reload restore it. Beside the lanes, a connection's ladder opens from a lane's name, a finding's button or L.
import { FINDING_KINDS, type TimelineFindingKind, type TimelineSummary } from '../extension/core/timeline/model';
import { DetailsPane, NOTHING_SELECTED } from './details';
import { exchangeLines, exchangeOf, relatedOf } from './exchange';
import { FindingNav, type FindingFilter } from './finding-nav';
import { FindingsList } from './findings';
import { inflateChunk } from './inflate';
import { bindTimelineKeys } from './keys';
import { LadderPane } from './ladder-pane';
import {
  assertUnreachable,
  MAX_TEXTS_ASKED,
  parseViewState,
  type CursorReport,
  type HostMessage,
  type ViewCommand,
  type ViewState,
  type WebviewMessage,
} from './protocol';
import { ReviewLayer } from './review-notes';
import { TimelineStore } from './store';
import { HoverCard } from './timeline-hover';
import { timelineLegend } from './timeline-legend';
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
  const nav = new FindingNav(() => store.findings);
  const findings = new FindingsList(doc, {
    pick: (n) => {
      view.selectFinding(n);
      view.canvas.focus();
    },
    filter: (f) => applyFilter(f),
    ladder: (n) => {
      view.selectFinding(n);
      openLadder(view.cursor);
    },
  });
  const view = new TimelineView(
    doc,
    store,
    nav,
    (reason) => cursorMoved(reason),
    () => {
      saveState();
      review.redraw();
    },
    (playing) => toolbar.setPlaying(playing),
  );
  const toolbar = new Toolbar(doc, {
    command: (c) => (c === 'playPause' ? view.setPlaying(!view.playing) : run(c)),
    speed: (x) => {
      view.speed = x;
      saveState();
    },
  });
  const hover = new HoverCard(doc, store);
  view.onHover = (event, x, y) => hover.show(event, x, y);
  // a click on an arrow or a row of the ladder selects that event in the timeline (and the ladder follows)
  const ladder = new LadderPane(doc, store, (event) => view.setCursor(event, 'step'));
  view.onLane = (lane, tUs) => ladder.open(lane, tUs >= 0 ? store.lowerBound(tUs) : view.cursor, view.cursor);
  const plot = doc.createElement('div');
  plot.id = 'plot';
  plot.append(view.canvas, hover.root);
  const review = new ReviewLayer(doc, plot, store, view, details.root, (selection) => vscode.postMessage({ type: 'selection', selection }));
  const middle = doc.createElement('div');
  middle.id = 'middle';
  middle.append(plot, ladder.root, findings.root);
  doc.body.append(toolbar.root, summaryLine, timelineLegend(doc), middle, details.root);
  // the plot narrows when the ladder opens: the cursor stays in view
  new ResizeObserver(() => {
    view.resize(plot.clientWidth, plot.clientHeight);
    view.revealCursor();
  }).observe(plot);

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

  /** Shows the connection of an event as a ladder, at that event. */
  const openLadder = (event: number) => event >= 0 && event < store.count && ladder.open(store.lane[event], event, view.cursor);

  function cursorMoved(reason: 'step' | 'play' | 'pick'): void {
    findings.select(nav.current);
    ladder.follow(view.cursor);
    review.changed();
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
    if (view.cursor < 0) return details.clear(NOTHING_SELECTED, 'none');
    const x = exchangeOf(store, view.cursor);
    vscode.postMessage({ type: 'requestDetails', id: ++detailsId, event: view.cursor, related: x ? relatedOf(store, x) : [] });
  }

  function cursorReport(): CursorReport {
    return { event: view.cursor, finding: view.finding >= 0 ? nav.position() : -1, findingKind: store.findings[view.finding]?.kind ?? null };
  }

  function currentState(): ViewState {
    const v = view.view;
    const f = store.findings[nav.current];
    const finding = f ? { kind: f.kind, event: f.event } : null;
    return { v: 2, source, cursor: view.cursor, t0Us: v.t0Us, usPerPx: v.usPerPx, laneTop: v.laneTop, speed: view.speed, finding, filter: nav.filter };
  }

  /** Lists the findings the filter lets through, with the counts on the chips (the engine's, unless one connection is shown). */
  function showFindings(): void {
    const s = store.summary;
    if (!s) return findings.render([], [], '');
    const totals = new Map(Object.entries(s.findings) as Array<[TimelineFindingKind, number]>);
    findings.setCounts(nav.filter.conn === null ? totals : nav.counts().kinds);
    const total = [...totals.values()].reduce((a, b) => a + b, 0);
    const notes: string[] = [];
    if (total === 0) notes.push(s.verdict);
    else if (nav.shown.length === 0) notes.push('No finding matches the filter.');
    else if (nav.shown.length < store.findings.length) notes.push(`${nav.shown.length} of ${store.findings.length} findings shown`);
    if (s.findingsListed < total) notes.push(`the first ${s.findingsListed.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} findings are listed`);
    findings.render(store.findings, nav.shown, notes.join('; '), (f) => store.tUs[f.event] ?? f.tUs);
    findings.select(nav.current);
  }

  function applyFilter(f: FindingFilter): void {
    nav.setFilter(f);
    findings.setFilter(nav.filter);
    if (view.finding >= 0 && nav.current !== view.finding) view.finding = -1;
    showFindings();
    saveState();
    view.redraw();
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
      total === 0
        ? 'no findings'
        : `${total} findings (${Object.entries(s.findings)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')})`,
      `span ${fmtTime(s.lastUs - s.firstUs)}`,
    ];
    if (s.skippedLines > 0) parts.push(`${s.skippedLines} bad lines skipped`);
    if (s.truncatedLastLine) parts.push('last line truncated');
    summaryLine.textContent = parts.join(' · ');
    summaryLine.dataset.mismatches = String(s.findings.mismatch);
    summaryLine.dataset.verdict = s.verdictKind;
  }

  /** the load under way: work queued for an older one is dropped, and the rest of one that failed */
  let loadNumber = 0;
  let failedLoad = -1;
  let loadQueue: Promise<void> = Promise.resolve();
  /** Runs `work` after what was queued before it, then what it returns, unless another load began or this one failed. */
  function inOrder(work: () => Promise<() => void>): void {
    const mine = loadNumber;
    const current = () => mine === loadNumber && mine !== failedLoad;
    loadQueue = loadQueue.then(async () => {
      if (!current()) return;
      try {
        const apply = await work();
        if (current()) apply();
      } catch (err) {
        if (!current()) return;
        failedLoad = mine; // the model is not whole: its later chunks and its done are dropped
        loadFailed(`the timeline's data could not be read: ${(err as Error).message}`);
        vscode.postMessage({ type: 'log', message: `a chunk could not be read: ${(err as Error).message}` });
      }
    });
  }

  function loadFailed(message: string): void {
    toolbar.setProgress(null);
    summaryLine.textContent = message;
    summaryLine.dataset.error = 'true';
    details.clear(`The transcript could not be loaded: ${message}`, 'failed');
    findings.render([], [], 'No findings: the transcript could not be loaded.');
  }

  function onMessage(msg: HostMessage): void {
    switch (msg.type) {
      case 'load':
        loadNumber++;
        source = msg.source;
        loaded = false;
        textsAsked = false;
        textsFloor = textsId;
        store.reset();
        review.reset();
        ladder.close();
        hover.show(-1, 0, 0);
        view.cursor = -1;
        view.finding = -1;
        nav.current = -1;
        nav.refresh();
        detailsId++; // an answer still on its way is about the model before
        doc.title = msg.title;
        summaryLine.textContent = `Loading ${msg.title}…`;
        delete summaryLine.dataset.error;
        details.clear('Loading…', 'loading');
        findings.setChoices(new Map(), new Map());
        findings.render([], [], '');
        toolbar.setProgress(0);
        return;
      case 'progress':
        toolbar.setProgress(msg.fraction);
        summaryLine.textContent = `Loading… ${msg.events.toLocaleString('en-US')} events`;
        return;
      case 'chunk': {
        // chunks come deflated and are inflated off this handler: each is appended, and done or an error taken, in the
        // order the host sent them, and none of an older load once a newer one began
        const packed = msg.chunk;
        inOrder(async () => {
          const chunk = await inflateChunk(packed);
          return () => {
            const first = store.count === 0;
            store.append(chunk);
            if (first) view.fitAll();
            view.redraw();
            if (first) requestAnimationFrame(() => vscode.postMessage({ type: 'firstFrame', events: store.count }));
          };
        });
        return;
      }
      case 'done': {
        const summary = msg.summary;
        inOrder(async () => () => {
          finishLoad(summary);
          review.changed();
        });
        return;
      }
      case 'error': {
        const message = msg.message;
        inOrder(async () => () => loadFailed(message));
        return;
      }
      case 'texts':
        if (msg.id <= textsFloor) return;
        textsAsked = false;
        store.setTexts(msg.events, msg.texts, msg.keys);
        view.redraw();
        ladder.textsArrived();
        hover.refresh();
        requestTexts();
        return;
      case 'details':
        if (msg.id !== detailsId) return; // an answer to an older request: the cursor has moved on
        if (msg.details) {
          const x = exchangeOf(store, msg.details.event);
          details.show(msg.details, store.tUs[msg.details.event], x ? exchangeLines(store, x, msg.related) : []);
        } else details.clear('No details for this event: the host could not read them.', 'missing');
        return;
      case 'command':
        run(msg.command);
        vscode.postMessage({ type: 'commandDone', id: msg.id, cursor: cursorReport() });
        return;
      case 'notes':
        review.setNotes(msg.notes);
        return;
      case 'select':
        view.setCursor(msg.event, 'step');
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
    const r = restored && restored.source === source ? restored : null;
    restored = null;
    // what was restored is checked against this model: kinds and a connection it has, a finding it lists
    const kinds = new Map(FINDING_KINDS.map((k) => [k, s.findings[k]]));
    nav.setFilter({ kinds: [], conn: null });
    const conns = nav.counts().conns;
    if (r)
      nav.setFilter({
        kinds: r.filter.kinds.filter((k) => (kinds.get(k) ?? 0) > 0),
        conn: r.filter.conn !== null && conns.has(r.filter.conn) ? r.filter.conn : null,
      });
    const want = r?.finding;
    nav.current = want ? store.findings.findIndex((f) => f.kind === want.kind && f.event === want.event) : -1;
    nav.refresh();
    findings.setFilter(nav.filter);
    findings.setChoices(kinds, conns);
    showFindings();
    view.fitAll();
    loaded = true;
    if (r) {
      Object.assign(view.view, { t0Us: r.t0Us, usPerPx: r.usPerPx, laneTop: r.laneTop });
      view.speed = SPEEDS.includes(r.speed) ? r.speed : 1;
      toolbar.setSpeed(view.speed);
      if (r.cursor >= 0 && r.cursor < store.count) {
        view.cursor = r.cursor;
        const onCurrent = nav.current >= 0 && store.findings[nav.current].event === r.cursor;
        view.finding = onCurrent ? nav.current : nav.atEvent(r.cursor);
      }
    }
    if (store.count === 0) details.clear('This transcript is empty: it holds no events to show.', 'empty');
    else requestDetails();
    findings.select(nav.current);
    saveState();
    view.redraw();
    requestAnimationFrame(() => vscode.postMessage({ type: 'interactive', events: store.count, findings: store.findings.length }));
  }

  window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
    if (e.data && typeof e.data === 'object' && typeof e.data.type === 'string') onMessage(e.data);
  });

  const ladderKey = (open: boolean) => (open ? openLadder(view.cursor) : ladder.close());
  bindTimelineKeys(doc, {
    run,
    playPause: () => view.setPlaying(!view.playing),
    zoomBy: (f) => view.zoomBy(f),
    panLanes: (d) => view.panLanes(d),
    ladder: ladderKey,
  });

  vscode.postMessage({ type: 'ready' });
}
