export * from './analyze';
export * from './findings';
export * from './pairing';
export * from './protocol-of';
export * from './unseen';
export type { ClientModel } from './client-view';
