// Characters in hostile text (a transcript, a capture, a result file) that would change how what is around them is
// shown: bidirectional controls reorder it wherever it is drawn; C0/C1 controls also move a terminal's cursor or
// recolour it. Each is shown as its \u escape instead (valid inside JSON strings too).
const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';

/** what reorders text in a webview or on a canvas */
export const BIDI_CONTROLS = new RegExp(`[${BIDI}]`, 'g');
/** what a terminal acts on, newline and tab excepted, and the bidirectional controls */
export const TERMINAL_CONTROLS = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${BIDI}]`, 'g');

export function escapeChars(text: string, which: RegExp): string {
  return text.replace(which, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
