// The timeline's keys, on the whole page: ←/→ step, N/P and F8/Shift+F8 jump between findings, Space plays, +/-
// zoom, Home/0 fit all, ↑/↓ scroll lanes, L opens the selected event's connection as a ladder, Escape closes it. Not while a control that takes the same keys (a findings item, a chip,
// a button, a select) has the focus.
import type { ViewCommand } from './protocol';

export interface KeyActions {
  run(c: ViewCommand): void;
  playPause(): void;
  /** below 1 zooms in */
  zoomBy(factor: number): void;
  panLanes(d: number): void;
  /** open (true) the ladder of the cursor's connection, or close it */
  ladder(open: boolean): void;
}

export function bindTimelineKeys(doc: Document, a: KeyActions): void {
  doc.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement | null;
    if (target?.closest('#findings') && (e.key === 'Enter' || e.key === ' ')) return;
    if (target?.closest('vscode-single-select, vscode-button, vscode-toolbar-button')) return;
    const keys: Record<string, () => void> = {
      ArrowRight: () => a.run('stepForward'),
      ArrowLeft: () => a.run('stepBack'),
      F8: () => a.run(e.shiftKey ? 'prevFinding' : 'nextFinding'),
      n: () => a.run('nextFinding'),
      p: () => a.run('prevFinding'),
      ' ': () => a.playPause(),
      Home: () => a.run('fitAll'),
      '0': () => a.run('fitAll'),
      '+': () => a.zoomBy(0.5),
      '=': () => a.zoomBy(0.5),
      '-': () => a.zoomBy(2),
      ArrowUp: () => a.panLanes(-1),
      ArrowDown: () => a.panLanes(1),
      l: () => a.ladder(true),
      L: () => a.ladder(true),
      Escape: () => a.ladder(false),
    };
    const act = keys[e.key];
    if (!act || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    act();
  });
}
