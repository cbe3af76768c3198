// Asks for the texts of each chunk's first two events as the chunk arrives, while the model is still being built (not
// awaited: the build goes on while the spill is flushed for the read), then checks them against the whole model's.
// The same check for a build in this thread (buildTimeline) and on the worker (openTimelineOffThread).
import assert from 'node:assert/strict';
import type { EventBrief } from '../../extension/core/timeline';

interface Briefs {
  briefs(events: number[]): Promise<EventBrief[]>;
}

export function textsDuringBuild(): {
  onDetails: (d: Briefs) => void;
  onChunk: (c: { start: number }) => void;
  /** the texts asked for during the build are the built model's */
  check: (details: Briefs) => Promise<void>;
} {
  const asks: Array<Promise<EventBrief[]>> = [];
  let spill: Briefs | null = null;
  return {
    onDetails: (d) => (spill = d),
    onChunk: (c) => {
      if (spill) asks.push(spill.briefs([c.start, c.start + 1]));
    },
    async check(details) {
      const seen = (await Promise.all(asks)).flat();
      assert.ok(seen.length > 10 && seen.every((b) => b.text !== ''), 'texts are read during the build');
      assert.deepEqual(seen, await details.briefs(seen.map((b) => b.event)));
    },
  };
}
