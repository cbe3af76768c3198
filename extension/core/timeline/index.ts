export * from './builder';
export * from './details';
export * from './model';
export { ModelCache, openTimeline, type CachedTimeline, type OpenOptions } from './model-cache';
export { deflateChunk, inflateChunk } from './deflate';
export { PACK_LAYOUT, packColumns, unpackColumns, type PackedChunk } from './packed';
export { openTimelineOffThread, type BriefReader, type OffThreadOptions } from './off-thread';
