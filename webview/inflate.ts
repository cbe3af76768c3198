// The webview's side of packed chunks (extension/core/timeline/packed.ts): inflated by the browser's own
// DecompressionStream, then unpacked into the typed arrays the store takes.
import type { TimelineChunk } from '../extension/core/timeline/model';
import { unpackColumns, type PackedChunk } from '../extension/core/timeline/packed';

export async function inflateChunk(p: PackedChunk): Promise<TimelineChunk> {
  const stream = new Blob([p.bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return unpackColumns(p, bytes);
}
