// The webview's HTML (every page of the bundle): a strict Content-Security-Policy with a fresh nonce per load, the bundle and its
// stylesheet from dist/ only, and no data at all (the transcript arrives later as messages and goes in as text).
// No vscode import, so the Chromium tests serve exactly this page.
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** the webview's cspSource (where local resources are served from) */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  /** which page of the bundle to show (webview/main.ts): the timeline by default */
  view?: 'timeline' | 'metrics' | 'bench' | 'check';
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export function webviewHtml(i: WebviewHtmlInput): string {
  const nonce = i.nonce ?? newNonce();
  const csp = ["default-src 'none'", `style-src ${i.cspSource}`, `font-src ${i.cspSource}`, `img-src ${i.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(i.styleUri)}">
<title>${text(i.title)}</title>
</head>
<body data-view="${attr(i.view ?? 'timeline')}">
<script nonce="${attr(nonce)}" src="${attr(i.scriptUri)}"></script>
</body>
</html>`;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
