export * from './builder';
export * from './details';
export * from './model';
export { chunkBytes } from './chunks';
export { ModelCache, openTimeline, type CachedTimeline } from './model-cache';
