// Reading a transcript back in tests: all events, and the bytes per connection and direction.
import { eventBytes, openTranscript, type DataEvent, type TranscriptEvent } from '../../extension/core/transcript';

export async function readAll(file: string): Promise<TranscriptEvent[]> {
  const t = await openTranscript(file);
  const out: TranscriptEvent[] = [];
  for await (const ev of t.events) out.push(ev);
  return out;
}

export function bytesOf(events: TranscriptEvent[], c: number, dir: 'c2s' | 's2c'): Buffer {
  return Buffer.concat(events.filter((e) => e.c === c && e.k === dir).map((e) => eventBytes(e as DataEvent)));
}
