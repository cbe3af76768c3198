export * from './fault-spec';
export * from './proxy';
