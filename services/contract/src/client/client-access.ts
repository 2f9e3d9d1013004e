import {
  applyDecorators,
  type CallHandler,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  type PipeTransform,
  type Type,
  UseInterceptors,
} from '@nestjs/common';
import { type AuthenticatedRequest, ClientSession, commonErrors } from '@otus/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import type { ApplicationDocument } from '../applications/application.schema';
import type { Actor } from '../audit/audit.service';
import { requestActor } from '../audit/request-actor';
import { ClientService } from './client.service';
import { contractErrors } from '../contract-errors';

/**
 * The one check behind every route a client reaches with the link session, the JSON API's and
 * the pages' alike. The session (the `otus_client` cookie, verified by the global AuthGuard:
 * 401 without one, or an expired or forged one) names exactly one application; the
 * `:applicationId` in the path must be that one, byte for byte. Any other id, another client's
 * or one that does not exist, is the same 404 APPLICATION_NOT_FOUND, so a session cannot learn
 * that other applications exist.
 */

/** What the check leaves on the request: the granted id, and the application, loaded once when a route asks. */
export interface ClientAccess {
  readonly applicationId: string;
  application(): Promise<ApplicationDocument>;
}

export type ClientRequest = AuthenticatedRequest & { clientAccess?: ClientAccess };

/** The audit actor of a client's request; the signer's is the same with the address and browser always written. */
export type ClientSigner = Actor & { ip: string; userAgent: string };

/** The path parameter every client route carries. */
export const APPLICATION_ID_PARAM = 'applicationId';

/**
 * The session's application, if the request's path names it; throws otherwise. `load` runs at
 * most once, and only when something asks for the application.
 */
export function grantAccess(req: ClientRequest, load: (id: string) => Promise<ApplicationDocument>): ClientAccess {
  // Only a @ClientSession route has a verified client; anything else is refused, never let through.
  if (!req.client) throw commonErrors.UNAUTHENTICATED('Open the link from your e-mail first');
  const applicationId: unknown = req.params?.[APPLICATION_ID_PARAM];
  if (typeof applicationId !== 'string' || !applicationId || applicationId !== req.client.applicationId) {
    throw contractErrors.APPLICATION_NOT_FOUND(`No application ${String(applicationId)}`);
  }
  let loaded: Promise<ApplicationDocument> | undefined;
  return { applicationId, application: () => (loaded ??= load(applicationId)) };
}

/**
 * Runs the check for every route of a `@ClientAccess()` controller. An interceptor, not a guard:
 * it runs after the global content-type check, as the routes' own check did, so a request
 * refused for two reasons gets the same answer as before (415 before 404).
 */
@Injectable()
export class ClientAccessInterceptor implements NestInterceptor {
  constructor(private readonly clients: ClientService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<ClientRequest>();
    req.clientAccess = grantAccess(req, (id) => this.clients.application(id));
    return next.handle();
  }
}

/**
 * A controller whose routes are `…/:applicationId/…` for the client holding the link session:
 * the session (401), then `checksFirst` (e.g. the pages' same-site check, 403), then the
 * application in the path must be the session's (404).
 */
export const ClientAccess = (...checksFirst: Type<NestInterceptor>[]) =>
  applyDecorators(ClientSession(), UseInterceptors(...checksFirst, ClientAccessInterceptor));

/** The access granted to this request; a route outside a `@ClientAccess()` controller is a programming error. */
export function accessOf(req: ClientRequest): ClientAccess {
  if (!req.clientAccess) throw new Error('A client route needs @ClientAccess() on its controller');
  return req.clientAccess;
}

const access = createParamDecorator((_: unknown, context: ExecutionContext) =>
  accessOf(context.switchToHttp().getRequest<ClientRequest>()),
);

/** Loads the application behind the granted access (the same instance for every later ask in this request). */
class LoadApplication implements PipeTransform<ClientAccess, Promise<ApplicationDocument>> {
  transform(value: ClientAccess): Promise<ApplicationDocument> {
    return value.application();
  }
}

/** The id of the application the session grants (checked; nothing loaded). */
export const ClientApplicationId = createParamDecorator(
  (_: unknown, context: ExecutionContext): string =>
    accessOf(context.switchToHttp().getRequest<ClientRequest>()).applicationId,
);

/** The application the session grants, loaded (404 APPLICATION_NOT_FOUND if it is gone). */
export const ClientApplication = (): ParameterDecorator => access(new LoadApplication());

/** Who did it, for the audit trail: the client, from this address and browser. */
export function clientActor(req: Request): Actor {
  return requestActor('client', req);
}

/** The signer as the signature stores it: the address and browser always strings. */
export function clientSigner(req: Request): ClientSigner {
  return { ...clientActor(req), ip: req.ip ?? '', userAgent: req.get('user-agent') ?? '' };
}

export const ClientActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor =>
  clientActor(context.switchToHttp().getRequest<Request>()),
);

export const ClientSignerActor = createParamDecorator((_: unknown, context: ExecutionContext): ClientSigner =>
  clientSigner(context.switchToHttp().getRequest<Request>()),
);
