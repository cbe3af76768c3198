// Labels that keep what tells messages apart: a message's key. A summary too long for its room is cut in the command,
// never in the key ("get_paths…key=msg:1032"); and overlapping spans (mismatch arcs) are stacked on levels so that
// many on one connection stay apart. Pure functions: the ladder layout, the SVG and the lanes canvas share them.

const ELLIPSIS = '…';

/**
 * The longest form of `text` that `fits`, keeping `key` whole where it can: the text itself; else the start of the
 * command, an ellipsis and the word holding the key with what follows ("get_paths…key=msg:1032"); else the key's
 * word alone ("…key=msg:1032…"); else as much of the key as fits. Without a key (or when even the key does not fit),
 * the text is cut at its end. `fits` is the room: a character count in the SVG, measureText on a canvas.
 */
export function fitKeepingKey(text: string, key: string | null | undefined, fits: (s: string) => boolean): string {
  if (fits(text)) return text;
  const at = key ? text.indexOf(key) : -1;
  if (key && at < 0) {
    // the key is not in the summary as such (URL-encoded, say): name it after what of the command fits
    const tail = ` ${key}`;
    if (fits(ELLIPSIS + tail)) return cutEnd(text, (head) => fits(head + tail)) + tail;
    return cutEnd(key, fits);
  }
  if (!key) return cutEnd(text, fits);
  // the word the key is in: from the space before it ("key=msg:1032"), to the end of the text
  const wordStart = text.lastIndexOf(' ', at) + 1;
  const fromWord = text.slice(wordStart);
  const head = text.slice(0, wordStart).trimEnd();
  if (fits(ELLIPSIS + fromWord)) {
    // the most of the command that fits before the key's word (a binary search: a canvas measure per try)
    let lo = 0;
    let hi = head.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (fits(head.slice(0, mid) + ELLIPSIS + fromWord)) lo = mid;
      else hi = mid - 1;
    }
    return head.slice(0, lo) + ELLIPSIS + fromWord;
  }
  const wordEnd = text.indexOf(' ', at + key.length);
  const word = text.slice(wordStart, wordEnd < 0 ? text.length : wordEnd);
  const lead = wordStart > 0 ? ELLIPSIS : '';
  const trail = wordEnd < 0 ? '' : ELLIPSIS;
  if (fits(lead + word + trail)) return lead + word + trail;
  if (fits(lead + key + trail)) return lead + key + trail;
  return cutEnd(key, fits);
}

/** The longest start of `s` that fits with an ellipsis after it (s itself when it fits). */
export function cutEnd(s: string, fits: (t: string) => boolean): string {
  if (fits(s)) return s;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (fits(s.slice(0, mid) + ELLIPSIS)) lo = mid;
    else hi = mid - 1;
  }
  return s.slice(0, lo) + ELLIPSIS;
}

/**
 * Levels for spans (from, to in any order) so that spans that overlap (closer than `gap`) never share one: span k
 * gets the lowest level free at its start, the spans taken in order of their start. Returns a level per span, in the
 * order given. Used for the arcs of mismatches: each level is drawn at its own distance from the line.
 */
export function stackSpans(spans: ReadonlyArray<readonly [number, number]>, gap = 0): number[] {
  const order = spans.map((_, k) => k).sort((a, b) => Math.min(...spans[a]) - Math.min(...spans[b]) || a - b);
  const levelEnds: number[] = [];
  const out = new Array<number>(spans.length).fill(0);
  for (const k of order) {
    const lo = Math.min(...spans[k]);
    const hi = Math.max(...spans[k]);
    let level = levelEnds.findIndex((end) => end + gap <= lo);
    if (level < 0) level = levelEnds.push(hi) - 1;
    else levelEnds[level] = hi;
    out[k] = level;
  }
  return out;
}
