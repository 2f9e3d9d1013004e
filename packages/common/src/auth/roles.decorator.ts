import { SetMetadata } from '@nestjs/common';

export type StaffRole = 'admin' | 'operator';

export const ROLES_KEY = 'otus:roles';
export const PUBLIC_KEY = 'otus:public';
export const INTERNAL_KEY = 'otus:internal';

/** Staff roles allowed on a route (any of them). Routes without `@Roles` or `@Public` are refused. */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call (health, metrics, public catalogue). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** A route for other services only (never routed by the gateway): needs the internal API token. */
export const Internal = () => SetMetadata(INTERNAL_KEY, true);
