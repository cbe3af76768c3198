// The driver for a target URL's scheme.
import { mongodbDriver } from './mongodb';
import { mysqlDriver } from './mysql';
import { postgresDriver } from './postgres';
import type { Driver, TargetKind } from './target';

const DRIVERS: Record<TargetKind, Driver> = { mysql: mysqlDriver, postgres: postgresDriver, mongodb: mongodbDriver };

export function driverFor(kind: TargetKind): Driver {
  return DRIVERS[kind];
}
