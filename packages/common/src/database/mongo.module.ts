import { ConfigService } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import type { PlatformDatabase } from '../platform';

/** One MongoDB connection per service, URL from the named env variable. */
export function mongoModule(urlVariable: string) {
  return MongooseModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService) => ({
      uri: config.getOrThrow<string>(urlVariable),
      serverSelectionTimeoutMS: 5_000,
      retryAttempts: 30,
      retryDelay: 2_000,
    }),
  });
}

/** The service's database for `platformModules`. */
export function mongoDatabase(urlVariable: string): PlatformDatabase {
  return { kind: 'mongo', module: mongoModule(urlVariable) };
}
