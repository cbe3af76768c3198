// What the details pane says of a request's or a response's exchange: which message truly answers which, which
// request the client took an answer for, when each was sent and how long each waited. The links and times are the
// model's numbers; the other messages' keys and summaries come from the host with the details. No DOM here.
import { EventFlag, EventKind, type EventBrief } from '../extension/core/timeline/model';
import type { TimelineStore } from './store';
import { fmtTime } from './viewport';

export interface Exchange {
  event: number;
  role: 'request' | 'response';
  /** for a response: the request it truly answers; for a request: the response that truly answers it; -1 for none */
  paired: number;
  /** for a response: the request that took it though it was not that request's answer; for a request: the response
   *  it took that was not its answer; -1 for none */
  taken: number;
  /** when the client gave up on the request (this one, or the one this response answers), µs; -1 when it did not */
  gaveUpUs: number;
}

type Model = Pick<TimelineStore, 'count' | 'kind' | 'paired' | 'taken' | 'takenBy' | 'gaveUpUs'>;

/** The exchange of a request or a response; null for any other event. */
export function exchangeOf(s: Model, event: number): Exchange | null {
  if (!Number.isInteger(event) || event < 0 || event >= s.count) return null;
  const paired = s.paired[event];
  if (s.kind[event] === EventKind.request) {
    return { event, role: 'request', paired, taken: s.taken[event], gaveUpUs: s.gaveUpUs.get(event) ?? -1 };
  }
  if (s.kind[event] === EventKind.response) {
    return { event, role: 'response', paired, taken: s.takenBy.get(event) ?? -1, gaveUpUs: paired >= 0 ? (s.gaveUpUs.get(paired) ?? -1) : -1 };
  }
  return null;
}

/** The other events the text names, whose keys and summaries to ask the host for (at most MAX_RELATED). */
export function relatedOf(s: Model, x: Exchange): number[] {
  const out: number[] = [];
  if (x.paired >= 0) out.push(x.paired);
  if (x.taken >= 0) {
    out.push(x.taken);
    // a request that took another's answer: name the request that answer was for
    const owner = x.role === 'request' ? s.paired[x.taken] : -1;
    if (owner >= 0 && !out.includes(owner)) out.push(owner);
  }
  return out;
}

type TextModel = Model & Pick<TimelineStore, 'tUs' | 'seq' | 'flags'>;

/** The exchange in sentences, one a line. `briefs` has the other events' keys and summaries (relatedOf's). */
export function exchangeLines(s: TextModel, x: Exchange, briefs: readonly EventBrief[]): string[] {
  const t = (i: number) => s.tUs[i];
  const ago = (from: number, to: number) => fmtTime(Math.max(0, to - from));
  const name = (i: number) => `${s.kind[i] === EventKind.request ? 'request' : 'response'} #${s.seq[i]}`;
  /** a request as the text names it: its number, what it asked and when it went */
  const req = (i: number) => {
    const b = briefs.find((r) => r.event === i);
    const asked = b?.key ? `asked ${b.key}` : b?.text ? `“${b.text}”` : 'not read';
    return `${name(i)} (${asked}, sent at ${fmtTime(t(i))})`;
  };
  const e = x.event;
  if (s.seq[e] === 0) return ['Not paired: a message outside the requests and responses its protocol pairs.'];
  const lines: string[] = [];
  if (x.role === 'response') {
    if (x.paired >= 0) lines.push(`Answers ${req(x.paired)}; that request waited ${ago(t(x.paired), t(e))} for it.`);
    else if (s.flags[e] & EventFlag.orphan) lines.push('Answers no request: none was waiting for an answer on this connection (an orphan).');
    else lines.push('Answers no request: the server sent it on its own, or its request is not in the transcript.');
    if (x.gaveUpUs >= 0 && x.paired >= 0) {
      const late = t(e) > x.gaveUpUs ? `; it arrived ${ago(x.gaveUpUs, t(e))} after that` : '';
      lines.push(`The client gave up on ${name(x.paired)} at ${fmtTime(x.gaveUpUs)}${late}.`);
    }
    if (x.taken >= 0) {
      const wait =
        t(e) >= t(x.taken)
          ? `that request had waited ${ago(t(x.taken), t(e))} when it arrived`
          : `it had been waiting ${ago(t(e), t(x.taken))} when that request was sent`;
      lines.push(`Taken by ${req(x.taken)} as its answer: a mismatch; ${wait}.`);
    }
    return lines;
  }
  if (x.paired >= 0) lines.push(`Answered by ${name(x.paired)} at ${fmtTime(t(x.paired))}, ${ago(t(e), t(x.paired))} after it was sent.`);
  else if (s.flags[e] & EventFlag.unanswered) lines.push('Never answered: the connection ended first.');
  else lines.push('No response in the transcript answers it.');
  if (x.gaveUpUs >= 0) {
    const after = x.paired >= 0 && t(x.paired) > x.gaveUpUs ? `; its answer came ${ago(x.gaveUpUs, t(x.paired))} later` : '';
    lines.push(`Timed out: the client gave up on it at ${fmtTime(x.gaveUpUs)}, ${ago(t(e), x.gaveUpUs)} after sending it${after}.`);
  } else {
    lines.push('Not timed out.');
  }
  if (x.taken >= 0) {
    const owner = s.paired[x.taken];
    lines.push(`Took ${name(x.taken)} as its answer, which answers ${owner >= 0 ? req(owner) : 'no request'}: a mismatch.`);
  }
  return lines;
}
