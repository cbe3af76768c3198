export * from './format';
export * from './reader';
export * from './writer';
export { sidecarPath, type SidecarOptions } from './sidecar';
