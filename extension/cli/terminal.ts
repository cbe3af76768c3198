// Text bound for a terminal, made safe: what a transcript, a capture or a result file says (a header's protocol, a
// decoded command, a bench target's name) is hostile input, and a control character or a bidirectional override in
// it could move the cursor, recolour the screen or reorder what the user reads. Each is shown as its \u escape
// (valid inside JSON strings too), so --json output stays JSON. Newlines and tabs are the output's own.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
