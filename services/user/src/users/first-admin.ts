import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { UserEnv } from '../config';
import { UserService } from './user.service';

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
      await this.users.create({ email: email.toLowerCase(), name: 'Administrator', password, roles: ['admin'] });
      this.logger.log('created the first administrator from the environment');
    } catch (e) {
      // Another replica created it at the same moment.
      if (!(await this.users.hasAdmin())) throw e;
    }
  }
}
