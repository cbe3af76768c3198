// The chart pages' entry (shard metrics, bench, mismatch-check verdict): says `ready`, takes the host's `show`,
// builds the page for it and reports `rendered`. The view state (which files, the fragmentation sliders) is kept
// with setState, checked at the door when it comes back.
import { BenchPage } from './bench-page';
import { CheckPage } from './check-page';
import { MetricsPage } from './metrics-page';
import {
  assertUnreachable,
  parseChartViewState,
  type ChartHostMessage,
  type ChartPayload,
  type ChartView,
  type ChartViewState,
  type ChartWebviewMessage,
} from './protocol';
import type { VsCodeApi } from './vscode-api';

interface Page {
  readonly items: number;
  dispose(): void;
}

export function startCharts(view: ChartView, api: VsCodeApi<unknown, unknown>): void {
  const vscode = api as VsCodeApi<ChartViewState, ChartWebviewMessage>;
  const doc = document;
  const restored = parseChartViewState(vscode.getState());
  let state: ChartViewState = restored?.view === view ? restored : { v: 1, view, sources: [], docBytes: 300, movePercent: 5 };
  const status = doc.createElement('div');
  status.id = 'status';
  status.setAttribute('role', 'status');
  status.textContent = 'Loading…';
  const root = doc.createElement('main');
  root.id = 'page';
  root.dataset.view = view;
  doc.body.append(status, root);
  let page: Page | null = null;

  const save = (patch: Partial<ChartViewState>) => {
    state = { ...state, ...patch };
    vscode.setState(state);
    vscode.postMessage({ type: 'stateChanged', state });
  };

  function show(p: ChartPayload): Page {
    switch (p.view) {
      case 'metrics':
        save({ sources: [p.source] });
        // a typical document size from the file, unless the user moved the slider before a reload
        return new MetricsPage(
          root,
          p,
          restored ? state : { docBytes: p.docBytes ?? state.docBytes, movePercent: state.movePercent },
          (docBytes, movePercent) => save({ docBytes, movePercent }),
        );
      case 'bench':
        save({ sources: p.sources });
        return new BenchPage(root, p);
      case 'check':
        save({ sources: [p.source] });
        return new CheckPage(root, p, (mismatch) => vscode.postMessage({ type: 'openTranscript', mismatch }));
      default:
        return assertUnreachable(p);
    }
  }

  function onMessage(msg: ChartHostMessage): void {
    switch (msg.type) {
      case 'show': {
        if (msg.payload.view !== view) {
          vscode.postMessage({ type: 'log', message: `a ${msg.payload.view} payload sent to the ${view} page` });
          return;
        }
        page?.dispose();
        root.replaceChildren();
        delete status.dataset.error;
        status.textContent = msg.payload.title;
        doc.title = msg.payload.title;
        try {
          page = show(msg.payload);
        } catch (err) {
          status.textContent = `could not draw the chart: ${(err as Error).message}`;
          status.dataset.error = 'true';
          vscode.postMessage({ type: 'log', message: (err as Error).stack ?? String(err) });
          return;
        }
        const items = page.items;
        requestAnimationFrame(() => vscode.postMessage({ type: 'rendered', view, items }));
        return;
      }
      case 'error':
        status.textContent = msg.message;
        status.dataset.error = 'true';
        return;
      default:
        assertUnreachable(msg);
    }
  }

  window.addEventListener('message', (e: MessageEvent<ChartHostMessage>) => {
    if (e.data && typeof e.data === 'object' && typeof e.data.type === 'string') onMessage(e.data);
  });
  vscode.postMessage({ type: 'ready' });
}
