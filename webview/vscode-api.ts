// The one handle on VS Code inside a webview: acquireVsCodeApi() may be called only once per page, so the entry
// calls it and hands each page the typed view of it that page uses.

export interface VsCodeApi<State, Out> {
  postMessage(msg: Out): void;
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

export function vscodeApi(): VsCodeApi<unknown, unknown> {
  return acquireVsCodeApi();
}
