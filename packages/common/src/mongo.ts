// @otus/common/mongo: what a service on MongoDB (Mongoose) needs. A separate entry point,
// so that a service on PostgreSQL never loads Mongoose (an optional peer of this package).
export * from './database/mongo.module';
export * from './database/mongo-errors';
