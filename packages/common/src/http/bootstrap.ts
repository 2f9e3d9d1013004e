import type { Server } from 'node:http';
import type { Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { MetricsServer } from '../metrics/metrics.module';
import { configureApp } from './configure-app';
import { httpAdapter } from './http-adapter';

/**
 * Idle keep-alive connections stay open longer than the gateway (nginx upstream
 * `keepalive_timeout 60s`) and load balancers keep them: if the service closed first, a
 * request sent on the closing connection would fail as a 502, and a POST is not retried.
 */
const KEEP_ALIVE_TIMEOUT_MS = 75_000;

/** The whole of every service's main.ts: create, configure, listen on `<SERVICE>_PORT`, metrics on `<SERVICE>_METRICS_PORT`. */
export async function bootstrapService(appModule: Type<unknown>, portVariable: string): Promise<void> {
  const app = await NestFactory.create(appModule, httpAdapter(), { bufferLogs: true });
  configureApp(app);
  const config = app.get(ConfigService);
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node's rule: the wait for a request's headers must outlast the keep-alive wait.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  const host = config.getOrThrow<string>('HTTP_HOST');
  await app.listen(Number(config.getOrThrow(portVariable)), host);
  await app.get(MetricsServer).listen(Number(config.getOrThrow(portVariable.replace(/_PORT$/, '_METRICS_PORT'))), host);
}
