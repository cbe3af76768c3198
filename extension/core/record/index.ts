export * from './fault-spec';
export * from './proxy';
export * from './capture';
