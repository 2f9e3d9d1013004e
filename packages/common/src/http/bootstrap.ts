import type { Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { configureApp } from './configure-app';

/** The whole of every service's main.ts: create, configure, listen on `<SERVICE>_PORT`. */
export async function bootstrapService(appModule: Type<unknown>, portVariable: string): Promise<void> {
  const app = await NestFactory.create(appModule, { bufferLogs: true });
  configureApp(app);
  const config = app.get(ConfigService);
  await app.listen(Number(config.getOrThrow(portVariable)), config.getOrThrow<string>('HTTP_HOST'));
}
