export * from './fault-spec';
export * from './fault-set';
export { faultKind, faultKindNames, registerFaultKind, type FaultKind as FaultKindModule } from './faults';
export * from './proxy';
export * from './capture';
