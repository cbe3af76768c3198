// Review notes beside a transcript, and the postmortem draft made from them (Markdown, ladders and the shard chart).
export * from './draft';
export * from './export';
export * from './incident';
export * from './link';
export * from './notes';
export { mismatchLadderSvg } from './ladder-picture';
export { hasIncident, incidentWindow, metricsSvg } from './metrics-svg';
