import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type Page, type StaffIdentity, toPage } from '@otus/common';
import { containsPattern, isUniqueViolation } from '@otus/common/postgres';
import { Brackets, DataSource, type EntityManager, IsNull, Repository } from 'typeorm';
import { LoginThrottleService } from '../auth/login-throttle.service';
import { RefreshToken } from '../auth/refresh-token.entity';
import { hashPassword, verifyPassword } from '../passwords';
import type { ChangePasswordDto, CreateUserDto, ListUsersQuery, UpdateUserDto, UserResponse } from './dto/user.dto';
import { User } from './user.entity';
import { userErrors } from '../user-errors';

const ADMIN_CHANGES_LOCK = 0x07_05_ad31;
const ENGINE_ADMIN = 'engine-admin';

/**
 * Engine administration stays with engine administrators: granting or revoking the role, and
 * changing, resetting or removing an account that has it, take an actor who has it too.
 * Otherwise any `admin` could make itself Cockpit's administrator, or take over one's account.
 */
function requireEngineAdminFor(actor: StaffIdentity, ...roleSets: (readonly string[] | undefined)[]): void {
  if (actor.roles.includes(ENGINE_ADMIN)) return;
  if (roleSets.some((roles) => roles?.includes(ENGINE_ADMIN))) {
    throw userErrors.ENGINE_ADMIN_REQUIRED(
      'Only an engine administrator may grant engine-admin or change such an account',
    );
  }
}

@Injectable()
export class UserService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly throttle: LoginThrottleService,
  ) {}

  async create(
    { password, ...dto }: CreateUserDto,
    { mustChangePassword = false, actor }: { mustChangePassword?: boolean; actor?: StaffIdentity } = {},
  ): Promise<UserResponse> {
    if (actor) requireEngineAdminFor(actor, dto.roles);
    try {
      const user = await this.users.save(
        this.users.create({ ...dto, passwordHash: await hashPassword(password), mustChangePassword }),
      );
      return toResponse(user);
    } catch (e) {
      if (isUniqueViolation(e)) throw userErrors.USER_EMAIL_TAKEN(`A user with e-mail ${dto.email} exists`);
      throw e;
    }
  }

  async list(query: ListUsersQuery): Promise<Page<UserResponse>> {
    const qb = this.users.createQueryBuilder('u').orderBy('u.email', 'ASC');
    if (query.q) {
      const like = containsPattern(query.q);
      qb.andWhere(
        new Brackets((w) => w.where('u.email ILIKE :like', { like }).orWhere('u.name ILIKE :like', { like })),
      );
    }
    if (query.role) qb.andWhere(':role = ANY(u.roles)', { role: query.role });
    const [items, total] = await qb.skip(query.skip).take(query.pageSize).getManyAndCount();
    return toPage(items.map(toResponse), total, query);
  }

  async get(id: string): Promise<UserResponse> {
    return toResponse(await this.find(id));
  }

  async update(id: string, dto: UpdateUserDto, actor: StaffIdentity): Promise<UserResponse> {
    return this.db.transaction(async (em) => {
      const user = await this.find(id, em);
      requireEngineAdminFor(actor, user.roles, dto.roles);
      Object.assign(user, dto);
      await this.keepAnAdmin(em, user);
      await em.save(user);
      if (dto.active === false || dto.roles) await revokeSessions(em, id);
      return toResponse(user);
    });
  }

  async remove(id: string, actor: StaffIdentity): Promise<void> {
    await this.db.transaction(async (em) => {
      const user = await this.find(id, em);
      requireEngineAdminFor(actor, user.roles);
      user.active = false;
      await this.keepAnAdmin(em, user);
      await em.delete(User, id);
    });
  }

  /** Sets the password (an administrator's reset, or the user's own change): signs the user out, ends a sign-in lock. */
  async setPassword(id: string, password: string, actor?: StaffIdentity): Promise<void> {
    const user = await this.db.transaction(async (em) => {
      const found = await this.find(id, em);
      if (actor) requireEngineAdminFor(actor, found.roles);
      await em.update(User, id, {
        passwordHash: await hashPassword(password),
        passwordChangedAt: new Date(),
        mustChangePassword: false,
      });
      await revokeSessions(em, id);
      return found;
    });
    await this.throttle.reset({ email: user.email, userId: user.id }, 'password set');
  }

  async changeOwnPassword(id: string, { currentPassword, newPassword }: ChangePasswordDto): Promise<void> {
    const user = await this.find(id);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw userErrors.INVALID_CREDENTIALS('The current password is wrong');
    }
    assertNewPassword(currentPassword, newPassword);
    await this.setPassword(id, newPassword);
  }

  /**
   * Checks e-mail and password; `user` is set only when both are right and the account is
   * active — the caller answers without saying which part was wrong. `account` is for the audit.
   */
  async authenticate(email: string, password: string): Promise<{ user: User | null; account: User | null }> {
    const account = await this.users.findOneBy({ email: email.trim().toLowerCase() });
    const ok = await verifyPassword(account?.passwordHash, password);
    return { user: ok && account?.active ? account : null, account };
  }

  async findActive(id: string): Promise<User | null> {
    return this.users.findOneBy({ id, active: true });
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.users.createQueryBuilder('u').where(`'admin' = ANY(u.roles) AND u.active`).getCount()) > 0;
  }

  private async find(id: string, em: EntityManager = this.db.manager): Promise<User> {
    const user = await em.findOneBy(User, { id });
    if (!user) throw userErrors.USER_NOT_FOUND(`No user ${id}`);
    return user;
  }

  /** Nobody may lock the school out of its own system by removing the last active admin. */
  private async keepAnAdmin(em: EntityManager, changed: User): Promise<void> {
    if (changed.active && changed.roles.includes('admin')) return;
    // One admin change at a time, so two admins cannot demote each other at once.
    await em.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_CHANGES_LOCK]);
    const others = await em
      .createQueryBuilder(User, 'u')
      .where(`'admin' = ANY(u.roles) AND u.active AND u.id <> :id`, { id: changed.id })
      .getCount();
    if (others === 0) throw userErrors.LAST_ADMIN('This would leave no active administrator');
  }
}

/** A new password must not be the current one (the length is the DTO's: 12 to 200). */
export function assertNewPassword(currentPassword: string, newPassword: string): void {
  if (currentPassword === newPassword)
    throw userErrors.PASSWORD_UNCHANGED('The new password must differ from the current one');
}

async function revokeSessions(em: EntityManager, userId: string): Promise<void> {
  await em.update(RefreshToken, { userId, revokedAt: IsNull() }, { revokedAt: new Date() });
}

function toResponse(u: User): UserResponse {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    roles: u.roles,
    active: u.active,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}
