// The shard metrics page: a summary line, the list of what happened (crossovers, alerts, imbalance, notes), one
// chart per shard on a shared time axis, and the fragmentation what-if. Text from the file goes in as text only.
import { isoTime } from '../extension/core/metrics/time';
import { readChartTheme } from './chart-theme';
import { FragmentationPanel } from './fragmentation-panel';
import { ShardChartView } from './metrics-chart';
import type { MetricsPayload } from './protocol';

const CHART_HEIGHT = 220;

export class MetricsPage {
  private readonly charts: ShardChartView[] = [];
  private readonly observer: ResizeObserver;
  readonly fragmentation: FragmentationPanel;

  constructor(root: HTMLElement, p: MetricsPayload, frag: { docBytes: number; movePercent: number }, onFragmentation: (docBytes: number, movePercent: number) => void) {
    const doc = root.ownerDocument;
    const summary = doc.createElement('div');
    summary.id = 'metrics-summary';
    summary.textContent = p.summary;
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
    const chartsBox = doc.createElement('div');
    chartsBox.id = 'metrics-charts';
    this.fragmentation = new FragmentationPanel(doc, frag.docBytes, frag.movePercent, onFragmentation);
    root.append(summary, events, chartsBox, this.fragmentation.root);

    const theme = readChartTheme(doc.body);
    let x0 = Infinity;
    let x1 = -Infinity;
    for (const s of p.shards) {
      if (s.tSec.length) x0 = Math.min(x0, s.tSec[0]);
      x1 = Math.max(x1, s.tSec[s.tSec.length - 1] ?? x1, s.band ? s.band.tSec[s.band.tSec.length - 1] : x1);
    }
    const width = () => Math.max(300, chartsBox.clientWidth - 8);
    for (const chart of p.shards) {
      const view = new ShardChartView(chartsBox, { chart, notes: p.notes, unitStyle: p.unitStyle, workingSet: p.workingSet, xRange: [x0, x1], theme, width: width(), height: CHART_HEIGHT });
      this.charts.push(view);
    }
    let last = width();
    this.observer = new ResizeObserver(() => {
      const w = width();
      if (w === last) return;
      last = w;
      for (const c of this.charts) c.setWidth(w);
    });
    this.observer.observe(chartsBox);
  }

  get items(): number {
    return this.charts.length;
  }

  dispose(): void {
    this.observer.disconnect();
    for (const c of this.charts) c.plot.destroy();
  }
}
