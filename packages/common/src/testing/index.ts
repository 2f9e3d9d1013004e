export * from './engine-api';
export * from './stack-env';
export * from './test-app';
export * from './wait-for';
export * from './tokens';
export * from './http-client';
export * from './migrations';
export * from './maildev';
