import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { UserEnv } from '../config';
import { UserService } from './user.service';

/** USER_ADMIN_MUST_CHANGE_PASSWORD, or when it is unset: whether this is production. */
export function firstAdminMustChangePassword(config: Pick<ConfigService<UserEnv, true>, 'get'>): boolean {
  return (
    config.get('USER_ADMIN_MUST_CHANGE_PASSWORD', { infer: true }) ??
    config.get('NODE_ENV', { infer: true }) === 'production'
  );
}

/** The first administrator comes from USER_ADMIN_EMAIL / USER_ADMIN_PASSWORD; nothing is created without them. */
@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstAdmin.name);

  constructor(
    private readonly users: UserService,
    private readonly config: ConfigService<UserEnv, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.hasAdmin()) return;
    const email = this.config.get('USER_ADMIN_EMAIL', { infer: true });
    const password = this.config.get('USER_ADMIN_PASSWORD', { infer: true });
    if (!email || !password) {
      this.logger.warn('No administrator exists: set USER_ADMIN_EMAIL and USER_ADMIN_PASSWORD to create the first one');
      return;
    }
    try {
      const mustChangePassword = firstAdminMustChangePassword(this.config);
      await this.users.create(
        { email: email.toLowerCase(), name: 'Administrator', password, roles: ['admin', 'engine-admin'] },
        { mustChangePassword },
      );
      this.logger.log(
        mustChangePassword
          ? 'created the first administrator from the environment; it must set a new password at first sign-in'
          : 'created the first administrator from the environment',
      );
    } catch (e) {
      // Another replica created it at the same moment.
      if (!(await this.users.hasAdmin())) throw e;
    }
  }
}
