export * from './analyze';
export * from './findings';
export * from './pairing';
export * from './protocol-of';
