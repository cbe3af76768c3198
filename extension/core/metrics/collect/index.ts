// Live collectors: MySQL/MariaDB, PostgreSQL and MongoDB write the shard metrics format.
export * from './run';
export * from './source';
