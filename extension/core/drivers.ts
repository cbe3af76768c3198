// The database drivers, each evaluated on its first use rather than when the bundle loads: the editor activates
// without any of them (mysql2, pg, mongodb and ioredis took 350-410 ms of every activation), and a command that needs
// one pays for it once. esbuild bundles a `require` inside a function all the same, as a call made when the function
// runs; a static `import` of a driver anywhere on the editor's path would undo this (test/editor/activation.test.ts).
/* eslint-disable @typescript-eslint/no-require-imports -- a require inside a function is what defers the evaluation */
import type * as IoredisModule from 'ioredis';
import type * as MongodbModule from 'mongodb';
import type * as Mysql2Module from 'mysql2';
import type * as Mysql2PromiseModule from 'mysql2/promise';
import type * as PgModule from 'pg';

export const mysql2 = (): typeof Mysql2Module => require('mysql2');
export const mysql2Promise = (): typeof Mysql2PromiseModule => require('mysql2/promise');
export const pg = (): typeof PgModule => require('pg');
export const mongodb = (): typeof MongodbModule => require('mongodb');
/** the Redis class is the module itself, and its `Redis` export */
export const ioredis = (): typeof IoredisModule => require('ioredis');

/** The packages above, as a test looks for them among the modules loaded. */
export const DRIVER_PACKAGES = ['mysql2', 'pg', 'mongodb', 'ioredis'] as const;
