import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp, httpAdapter } from '@otus/common';

/** Boots a service's real AppModule with the same pipes and filter as main.ts. */
export async function createTestApp(appModule: unknown): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [appModule as never] }).compile();
  const app = moduleRef.createNestApplication(httpAdapter(), { bufferLogs: true });
  configureApp(app);
  await app.init();
  return app;
}
