// The shard metrics page: a summary line, the list of what happened (crossovers, alerts, imbalance, notes), one
// chart per shard on a shared time window, and the fragmentation what-if. The charts open on the incident window
// (metrics-window.ts); a drag, the wheel, a double-click or the two buttons move every chart's window together.
// Colours follow the theme while open. Text from the file goes in as text only.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { isoTime } from '../extension/core/metrics/time';
import { MARK_STYLES, type MarkKind } from './chart-marks';
import { readChartTheme, type ChartTheme } from './chart-theme';
import { FragmentationPanel } from './fragmentation-panel';
import { ShardChartView } from './metrics-chart';
import { clampWindow, fullRange, incidentWindow, sameWindow, zoomAround, type TimeWindow } from './metrics-window';
import type { MetricsPayload } from './protocol';

const CHART_HEIGHT = 220;
const HINT = 'drag across a chart or turn the wheel to zoom; double-click: back to the incident window, again: the full range';

export class MetricsPage {
  private readonly charts: ShardChartView[] = [];
  private readonly observer: ResizeObserver;
  private readonly themeObserver: MutationObserver;
  readonly fragmentation: FragmentationPanel;
  private readonly full: TimeWindow;
  private readonly incident: TimeWindow | null;
  private window: TimeWindow;
  private theme: ChartTheme;
  private readonly windowText: HTMLElement;
  private readonly chartsBox: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    p: MetricsPayload,
    frag: { docBytes: number; movePercent: number },
    onFragmentation: (docBytes: number, movePercent: number) => void,
  ) {
    const doc = root.ownerDocument;
    const summary = doc.createElement('div');
    summary.id = 'metrics-summary';
    summary.textContent = p.summary;
    this.chartsBox = doc.createElement('div');
    this.chartsBox.id = 'metrics-charts';
    this.fragmentation = new FragmentationPanel(doc, frag.docBytes, frag.movePercent, onFragmentation);
    this.windowText = doc.createElement('span');
    this.windowText.id = 'zoom-window';
    this.windowText.setAttribute('role', 'status');
    root.append(summary, eventList(root, p), this.zoomBar(doc), legend(doc), this.chartsBox, this.fragmentation.root);

    this.theme = readChartTheme(doc.body);
    this.markColours();
    this.full = fullRange(p.shards) ?? { startSec: 0, endSec: 1 };
    this.incident = incidentWindow(p, this.full);
    this.window = this.incident ?? this.full;
    const width = () => Math.max(300, this.chartsBox.clientWidth - 8);
    for (const chart of p.shards) {
      const input = {
        chart,
        notes: p.notes,
        unitStyle: p.unitStyle,
        workingSet: p.workingSet,
        width: width(),
        height: CHART_HEIGHT,
        onSelect: (w: TimeWindow) => this.show(w),
        onWheel: (atSec: number, factor: number) => this.show(zoomAround(this.window, atSec, factor, this.full)),
        onDoubleClick: () => this.stepOut(),
      };
      this.charts.push(new ShardChartView(this.chartsBox, input, this.window, this.theme));
    }
    this.show(this.window);
    let last = width();
    this.observer = new ResizeObserver(() => {
      const w = width();
      if (w === last) return;
      last = w;
      for (const c of this.charts) c.setWidth(w);
    });
    this.observer.observe(this.chartsBox);
    // VS Code swaps the body's class (vscode-light, vscode-dark, vscode-high-contrast) and the variables on the
    // root's style when the theme changes: read the colours again and redraw
    let queued = false;
    this.themeObserver = new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.retheme();
      });
    });
    this.themeObserver.observe(doc.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-kind'] });
    this.themeObserver.observe(doc.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
  }

  get items(): number {
    return this.charts.length;
  }

  dispose(): void {
    this.observer.disconnect();
    this.themeObserver.disconnect();
    for (const c of this.charts) c.dispose();
  }

  /** Every chart to one window, kept inside the full range; the bar says which it is. */
  private show(w: TimeWindow): void {
    this.window = clampWindow(w, this.full);
    const name = sameWindow(this.window, this.incident) ? 'incident' : sameWindow(this.window, this.full) ? 'full' : 'zoom';
    for (const c of this.charts) c.setWindow(this.window, name === 'full');
    this.chartsBox.dataset.window = name;
    const what = name === 'incident' ? 'incident window' : name === 'full' ? 'full range (history and forecast)' : 'zoomed';
    this.windowText.textContent = `${what}: ${isoTime(this.window.startSec)} – ${isoTime(this.window.endSec)}`;
  }

  /** A double-click: to the incident window, or from there to the full range (and from that back). */
  private stepOut(): void {
    this.show(this.incident && !sameWindow(this.window, this.incident) ? this.incident : this.full);
  }

  private retheme(): void {
    const t = readChartTheme(this.root.ownerDocument.body);
    if (JSON.stringify(t) === JSON.stringify(this.theme)) return;
    this.theme = t;
    this.markColours();
    for (const c of this.charts) c.setTheme(t);
  }

  /** The legend's markers in the colours the canvas uses (computed per theme, so not plain CSS variables). */
  private markColours(): void {
    const m = this.theme.marks;
    this.root.style.setProperty('--mark-alert', m.alert);
    this.root.style.setProperty('--mark-crossover', m.crossover);
    this.root.style.setProperty('--mark-no-relief', m.noRelief);
    this.root.style.setProperty('--mark-note', m.note);
  }

  private zoomBar(doc: Document): HTMLElement {
    const bar = doc.createElement('div');
    bar.id = 'metrics-zoom';
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Time window of the charts');
    const button = (id: string, label: string, to: () => TimeWindow) => {
      const b = doc.createElement('vscode-button');
      b.id = id;
      b.setAttribute('secondary', '');
      b.textContent = label;
      b.addEventListener('click', () => this.show(to()));
      return b;
    };
    const incident = button('zoom-incident', 'Incident window', () => this.incident ?? this.full);
    incident.title = 'From the first alert to the last mark of the incident, and the notes about it';
    const full = button('zoom-full', 'Full range', () => this.full);
    full.title = 'Every sample and the forecast';
    bar.append(incident, full, this.windowText);
    return bar;
  }
}

/** What each mark looks like, and how to move around. */
function legend(doc: Document): HTMLElement {
  const box = doc.createElement('div');
  box.id = 'metrics-legend';
  const glyph: Record<string, string> = { triangle: '▼', diamond: '◆', square: '■' };
  for (const kind of Object.keys(MARK_STYLES) as MarkKind[]) {
    const s = MARK_STYLES[kind];
    const item = doc.createElement('span');
    item.className = `mark mark-${kind}`;
    item.dataset.kind = kind;
    item.textContent = `${glyph[s.shape]} ${s.label} (${s.dashName})`;
    box.append(item);
  }
  const note = doc.createElement('span');
  note.className = 'mark mark-note';
  note.textContent = '┆ note (dotted)';
  const hint = doc.createElement('span');
  hint.className = 'hint';
  hint.textContent = HINT;
  box.append(note, hint);
  return box;
}

function eventList(root: HTMLElement, p: MetricsPayload): HTMLElement {
  const doc = root.ownerDocument;
  const events = doc.createElement('ul');
  events.id = 'metrics-events';
  events.setAttribute('aria-label', 'Crossovers, alerts, imbalance and notes');
  for (const e of p.events) {
    const li = doc.createElement('li');
    li.dataset.kind = e.kind;
    if (e.shard !== null) li.dataset.shard = e.shard;
    const kind = doc.createElement('span');
    kind.className = `kind kind-${e.kind}`;
    kind.textContent = e.kind;
    const when = doc.createElement('span');
    when.className = 'when';
    when.textContent = `${isoTime(e.tSec)}${e.shard !== null ? ` ${e.shard}` : ''}`;
    const text = doc.createElement('span');
    text.className = 'text';
    text.textContent = e.text;
    li.append(kind, when, text);
    if (e.shard !== null) {
      li.tabIndex = 0;
      const go = () => root.querySelector(`.shard-chart[data-shard="${CSS.escape(e.shard ?? '')}"]`)?.scrollIntoView({ block: 'nearest' });
      li.addEventListener('click', go);
      li.addEventListener('keydown', (k) => (k.key === 'Enter' || k.key === ' ') && go());
    }
    events.append(li);
  }
  return events;
}
