export * from './builder';
export * from './details';
export * from './model';
