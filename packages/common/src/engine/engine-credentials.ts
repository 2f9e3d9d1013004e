import type { ConfigService } from '@nestjs/config';
import { z } from 'zod';
import { secret } from '../config/secrets';

/**
 * Each service has its own engine account, `<service>Service`, with the password in
 * `<SERVICE>_ENGINE_PASSWORD`: the engine creates the account from the same variable, and
 * authenticates every REST request (HTTP Basic). Declared by each service's env schema.
 */
export const engineAccountPassword = secret('password', z.string().min(12));

export interface EngineCredentials {
  username: string;
  password: string;
}

export function engineCredentials(config: ConfigService<Record<string, unknown>, boolean>, service: string): EngineCredentials {
  return {
    username: `${service}Service`,
    password: config.getOrThrow<string>(`${service.toUpperCase()}_ENGINE_PASSWORD`),
  };
}

/** The value of an `Authorization` header for HTTP Basic. */
export function basicAuthorization({ username, password }: EngineCredentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** `Authorization: Basic …` for a request of the service's own (fetch, axios). */
export function engineAuthHeaders(config: ConfigService<Record<string, unknown>, boolean>, service: string): Record<string, string> {
  return { authorization: basicAuthorization(engineCredentials(config, service)) };
}
