import { contractEnv } from '../../../services/contract/src/config';
import { courseEnv } from '../../../services/course/src/config';
import { notificationEnv } from '../../../services/notification/src/config';
import { promoEnv } from '../../../services/promo/src/config';
import { userEnv } from '../../../services/user/src/config';

/** What the deployment checks use of each service's zod config schema (test/ resolves another zod major). */
export interface EnvSchema {
  shape: Record<string, { parse(value: unknown): unknown }>;
  safeParse(
    env: unknown,
  ): { success: true } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Each service's environment schema: a deployment must give every service what it validates at start-up. */
export const SERVICE_ENVS: Record<string, EnvSchema> = {
  user: userEnv,
  contract: contractEnv,
  course: courseEnv,
  promo: promoEnv,
  notification: notificationEnv,
};
export const SERVICES = Object.keys(SERVICE_ENVS);
