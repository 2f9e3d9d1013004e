// @otus/common/postgres: what a service on PostgreSQL (TypeORM) needs. A separate entry point,
// so that a service on MongoDB never loads TypeORM or pg (they are optional peers of this package).
export * from './database/postgres.module';
export * from './database/postgres-errors';
export * from './database/timestamped.entity';
export * from './database/like-pattern';
