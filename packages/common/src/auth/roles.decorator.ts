import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExcludeController, ApiExcludeEndpoint } from '@nestjs/swagger';
import type { AuthenticatedRequest, ClientIdentity, StaffIdentity } from './identity';

/** Staff roles, plus `crm` for the CRM's machine calls (the gateway trades its API key for a token). */
export type Role = 'admin' | 'manager' | 'operator' | 'engine-admin' | 'crm';

export const ROLES_KEY = 'otus:roles';
export const PUBLIC_KEY = 'otus:public';
export const INTERNAL_KEY = 'otus:internal';
export const CLIENT_KEY = 'otus:client';

/** Roles allowed on a route (any of them). Routes that say nothing are refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call (health, public catalogue, login). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * A route for other services only (never routed by the gateway): needs the internal API token.
 * It is never in the published OpenAPI document either (the controller or the method is excluded).
 */
export const Internal =
  (): ClassDecorator & MethodDecorator => (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (descriptor) {
      SetMetadata(INTERNAL_KEY, true)(target, key!, descriptor);
      ApiExcludeEndpoint()(target, key!, descriptor);
    } else {
      const controller = target as abstract new (...args: never[]) => unknown;
      SetMetadata(INTERNAL_KEY, true)(controller);
      ApiExcludeController()(controller);
    }
  };

/** A route for the client holding a link session; the session names the one application it may see. */
export const ClientSession = () => SetMetadata(CLIENT_KEY, true);

/** The verified staff member or CRM client calling a `@Roles` route. */
export const CurrentStaff = createParamDecorator(
  (_: unknown, context: ExecutionContext): StaffIdentity =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().staff!,
);

/** The verified client of a `@ClientSession` route. */
export const CurrentClient = createParamDecorator(
  (_: unknown, context: ExecutionContext): ClientIdentity =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().client!,
);
