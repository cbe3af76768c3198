// Text bound for a terminal, made safe: what a transcript, a capture or a result file says (a header's protocol, a
// decoded command, a bench target's name) is hostile input, and a control character or a bidirectional override in
// it could move the cursor, recolour the screen or reorder what the user reads. Each is shown as its \u escape
// (valid inside JSON strings too), so --json output stays JSON. Newlines and tabs are the output's own.
import { escapeChars, TERMINAL_CONTROLS } from '../core/shown-safe';

export function terminalSafe(text: string): string {
  return escapeChars(text, TERMINAL_CONTROLS);
}
