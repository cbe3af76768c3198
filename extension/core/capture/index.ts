export * from './import';
export * from './packet';
export * from './reassembly';
export * from './records';
