import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createTestApp, dropDatabase, stackEnv } from '@otus/testing';
import { DataSource } from 'typeorm';

/** A free port on loopback, so an in-process app can be told its own URL (its JWKS) before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface InProcessUser {
  app: INestApplication;
  url: string;
  /** Every SQL statement the app sent since start (or since the last `queries.length = 0`). */
  queries: string[];
}

/**
 * A second user service in this process, listening on loopback, with the environment given
 * on top of the stack's. The AppModule validates its environment when it is imported, so it is
 * imported here, after the variables are set (one app per test file). Its worker is off: the
 * stack's user service serves the engine's tasks.
 */
export async function startUserService(
  env: Record<string, string> | ((url: string) => Record<string, string>) = {},
): Promise<InProcessUser> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  Object.assign(process.env, {
    WORKER_ENABLED: 'false',
    USER_PORT: String(port),
    ...(typeof env === 'function' ? env(url) : env),
  });
  // Not `import()`: under node16 resolution that would need the compiled file's name; jest runs this as CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AppModule } = require('../../src/app.module') as typeof import('../../src/app.module');
  const app = await createTestApp(AppModule);
  const queries: string[] = [];
  const logger = app.get(DataSource).logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, runner) => {
    queries.push(query);
    return logQuery(query, parameters, runner);
  };
  await app.listen(port, '127.0.0.1');
  return { app, url, queries };
}

/** An empty database beside the stack's user database, for an instance that must start from nothing. */
export async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const stackUrl = stackEnv().USER_DB_URL;
  const name = `user_scratch_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new DataSource({ type: 'postgres', url: stackUrl });
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(stackUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await dropDatabase(admin, name);
      await admin.destroy();
    },
  };
}
