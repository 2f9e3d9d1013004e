import { POSTGRES_DEFAULTS } from '@otus/common/postgres';
import { DataSource } from 'typeorm';
import { ApiClient } from './api-clients/api-client.entity';
import { LoginEvent } from './auth/login-event.entity';
import { LoginThrottle } from './auth/login-throttle.entity';
import { RefreshToken } from './auth/refresh-token.entity';
import { ClientLink } from './client-links/client-link.entity';
import { RetiredClientLink } from './client-links/retired-client-link.entity';
import { SigningKey } from './keys/signing-key.entity';
import { migrations } from './migrations';
import { User } from './users/user.entity';

export const entities = [
  User,
  RefreshToken,
  SigningKey,
  ApiClient,
  ClientLink,
  RetiredClientLink,
  LoginThrottle,
  LoginEvent,
];

/**
 * For the TypeORM CLI and the migration test; the app wires the same entities through its modules.
 *   USER_DB_URL=… npx typeorm migration:generate -d services/user/dist/data-source.js services/user/src/migrations/<name>
 */
export default new DataSource({ ...POSTGRES_DEFAULTS, url: process.env.USER_DB_URL, entities, migrations });
