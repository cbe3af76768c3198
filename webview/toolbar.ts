// The toolbar: VS Code-styled controls from @vscode-elements/elements (buttons, the speed select, the progress
// bar). Each button carries a text label and an aria-label, and says which key does the same.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { ViewCommand } from './protocol';

export const SPEEDS = [1, 2, 5, 10, 20, 50, 100];

const BUTTONS: Array<{ command: ViewCommand | 'playPause'; label: string; help: string }> = [
  { command: 'prevFinding', label: '« Finding', help: 'Previous finding (Shift+F8 or P)' },
  { command: 'stepBack', label: '◀ Step', help: 'Step back (Left arrow)' },
  { command: 'playPause', label: '▶ Play', help: 'Play or pause (Space)' },
  { command: 'stepForward', label: 'Step ▶', help: 'Step forward (Right arrow)' },
  { command: 'nextFinding', label: 'Finding »', help: 'Next finding (F8 or N)' },
  { command: 'fitAll', label: 'Fit all', help: 'Show the whole transcript (Home or 0)' },
];

export interface ToolbarHandlers {
  command(c: ViewCommand | 'playPause'): void;
  speed(x: number): void;
}

export class Toolbar {
  readonly root: HTMLElement;
  readonly progress: HTMLElement & { value?: number; max: number; indeterminate: boolean };
  private readonly play: HTMLElement;
  private readonly speedSelect: HTMLElement & { value: string };

  constructor(doc: Document, h: ToolbarHandlers) {
    this.root = doc.createElement('div');
    this.root.id = 'toolbar';
    this.root.setAttribute('role', 'toolbar');
    this.root.setAttribute('aria-label', 'Timeline controls');
    let play: HTMLElement | null = null;
    for (const b of BUTTONS) {
      const btn = doc.createElement('vscode-button');
      btn.setAttribute('secondary', '');
      btn.dataset.command = b.command;
      btn.textContent = b.label;
      btn.title = b.help;
      btn.setAttribute('aria-label', b.help);
      btn.addEventListener('click', () => h.command(b.command));
      if (b.command === 'playPause') play = btn;
      this.root.append(btn);
    }
    this.play = play as HTMLElement;
    const label = doc.createElement('label');
    label.textContent = 'Speed';
    label.htmlFor = 'speed';
    this.speedSelect = doc.createElement('vscode-single-select') as HTMLElement & { value: string };
    this.speedSelect.id = 'speed';
    this.speedSelect.setAttribute('aria-label', 'Play speed');
    for (const s of SPEEDS) {
      const o = doc.createElement('vscode-option');
      o.setAttribute('value', String(s));
      o.textContent = `${s}×`;
      this.speedSelect.append(o);
    }
    this.speedSelect.addEventListener('change', () => h.speed(Number(this.speedSelect.value) || 1));
    this.progress = doc.createElement('vscode-progress-bar') as Toolbar['progress'];
    this.progress.id = 'progress';
    this.progress.setAttribute('aria-label', 'Loading the transcript');
    this.root.append(label, this.speedSelect, this.progress);
  }

  setPlaying(playing: boolean): void {
    this.play.textContent = playing ? '⏸ Pause' : '▶ Play';
  }

  setSpeed(x: number): void {
    this.speedSelect.value = String(x);
  }

  setProgress(fraction: number | null): void {
    this.progress.hidden = fraction === null;
    if (fraction !== null) {
      this.progress.indeterminate = false;
      this.progress.max = 100;
      this.progress.value = Math.round(fraction * 100);
    }
  }
}
