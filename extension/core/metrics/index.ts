// Shard metrics: loading, crossover, forecast, imbalance, the fragmentation model and the chart's data model.
export * from './alert';
export * from './analysis';
export * from './chart-model';
export * from './crossover';
export * from './forecast';
export * from './format';
export * from './fragmentation';
export * from './imbalance';
export * from './reader';
export * from './series';
export * from './time';
export * from './units';
export * from './writer';
export * from './window';
export * from './relief';
export * from './words';
