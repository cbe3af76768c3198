export * from './builder';
export * from './details';
export * from './model';
export { ModelCache, openTimeline, type CachedTimeline } from './model-cache';
