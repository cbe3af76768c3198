// The draft's picture of one mismatch: the ladder of its connection (extension/core/ladder, the same drawing as the
// editor's ladder view, in the light theme a Markdown page is read in), from a little before the request whose answer
// went astray to a little after the request that took it, with the astray answer's row banded.
import { fmtUs } from '../pairing';
import { LADDER_LIGHT, ladderInput, ladderLayout, ladderSvg, laneEvents } from '../ladder';
import { ladderEvents, type Incident, type MismatchAt } from './incident';

export function mismatchLadderSvg(incident: Incident, m: MismatchAt, index: number): string {
  const { model, briefs } = incident;
  const span = ladderEvents(model, m);
  // the lane's opens, closes and faults inside the span are drawn too
  const events = span.length === 0 ? [] : laneEvents(model, model.lane[m.request]).filter((e) => e >= span[0] && e <= span[span.length - 1]);
  const f = m.finding;
  const title = `Mismatch ${index + 1}, connection ${f.conn}, at ${fmtUs(f.tUs)}: request #${f.request?.seq ?? '?'} (${f.request?.key ?? 'no key'}) took the answer to #${f.answers?.seq ?? '?'} (${f.answers?.key ?? 'no key'})`;
  return ladderSvg(ladderLayout(ladderInput(model, events, (e) => briefs.get(e))), LADDER_LIGHT, { cursor: m.event, title });
}
