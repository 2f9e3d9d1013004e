import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, DtoValidationPipe, commonErrors } from '@otus/common';
import type { Request, Response } from 'express';
import { catchError, from, type Observable } from 'rxjs';
import { accessOf, type ClientRequest } from '../client/client-access';
import { ClientPagesService, type PageExtras, pageUrl } from './client-pages.service';
import { PageRenderer } from './page-renderer';

/**
 * The pages' forms: plain HTML forms that post here and are answered with 303 to the page
 * (success) or the page again with the messages (refusal). The refusals are handled here, once,
 * for every form route: a route names what its refusal shows, and nothing else.
 */

/** The state changed under the client (signed in another tab, deadline passed): show the page as it is now. */
export const STALE = new Set([
  'FORM_CLOSED',
  'APPLICATION_NOT_SIGNABLE',
  'APPLICATION_CHANGED',
  'SIGNING_LOCKED',
  'CORRECTION_NOT_ALLOWED',
]);

/**
 * What a form route's refusal shows on the page: extras for `ClientPagesService.screen` (the
 * page is answered with the error's status), or undefined for the error page. `body` is the
 * posted form as the browser sent it.
 */
export type FormRefusal = (error: DomainError, body: Record<string, unknown>) => PageExtras | undefined;

const PAGE_FORM = 'otus:page-form';

/**
 * A form route of the client's page: a refusal `refusal` maps is the page again with its
 * messages; a stale state is a 303 to the page; anything else is the error page.
 */
export const PageForm = (refusal: FormRefusal) =>
  applyDecorators(SetMetadata(PAGE_FORM, refusal), UseInterceptors(PageFormInterceptor));

@Injectable()
export class PageFormInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly pages: ClientPagesService,
    private readonly renderer: PageRenderer,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const refusal = this.reflector.get<FormRefusal | undefined>(PAGE_FORM, context.getHandler());
    if (!refusal) return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<ClientRequest>();
    const res = http.getResponse<Response>();
    return next.handle().pipe(catchError((e: unknown) => from(this.refused(e, refusal, req, res))));
  }

  private async refused(e: unknown, refusal: FormRefusal, req: ClientRequest, res: Response): Promise<void> {
    if (!(e instanceof DomainError)) throw e;
    const access = accessOf(req);
    if (STALE.has(e.code)) return see(res, access.applicationId);
    const extras = refusal(e, formBody(req));
    if (!extras) throw e;
    const { page, data } = await this.pages.screen(await access.application(), extras);
    this.renderer.send(res, page, data, e.status);
  }
}

/**
 * The session cookie is SameSite=Strict already; this refuses (403) a form that a browser marks
 * as sent from another site. (Origin alone cannot tell: with Referrer-Policy no-referrer a form's
 * POST says `null`.) Reading a page is not checked.
 */
@Injectable()
export class SameSiteForms implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    if (!SAFE_METHODS.has(req.method)) sameOrigin(req);
    return next.handle();
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameOrigin(req: Request): void {
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const foreignOrigin = origin && origin !== 'null' && safeHost(origin) !== req.get('host');
  if ((site && site !== 'same-origin' && site !== 'none') || foreignOrigin) {
    throw commonErrors.FORBIDDEN('Forms are accepted from this site only');
  }
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** 303 to the client's page: after a form, the browser shows the page as it now is. */
export function see(res: Response, applicationId: string, fragment = ''): void {
  res.redirect(303, `${pageUrl(applicationId)}${fragment}`);
}

/** A posted field as the page keeps it: text, or nothing (a repeated or missing field). */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function formBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

/** The API's own pipe, DTO and rules, run on the page's fields: a refusal is the same VALIDATION_FAILED. */
const pipe = new DtoValidationPipe();

export async function validated<T extends object>(dto: new () => T, values: Record<string, string>): Promise<T> {
  return (await pipe.transform(values, { type: 'body', metatype: dto })) as T;
}
