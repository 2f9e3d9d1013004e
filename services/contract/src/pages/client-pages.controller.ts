import { Body, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  type ClientIdentity,
  ClientSession,
  Consumes,
  CurrentClient,
  DomainError,
  DtoValidationPipe,
} from '@otus/common';
import type { Request, Response } from 'express';
import type { ApplicationDocument } from '../applications/application.schema';
import type { Actor } from '../audit/audit.service';
import { ClientService } from '../client/client.service';
import { ClientFormDto, DeclineDto, SignDto } from '../client/dto/client-form.dto';
import { SigningService } from '../signing/signing.service';
import { ClientPagesService, type PageExtras, pageUrl } from './client-pages.service';
import { FORM_FIELDS } from './form-fields';
import { clientMessage, fieldErrors } from './page-messages';
import { PageRenderer } from './page-renderer';
import { PagesExceptionFilter } from './pages-exception.filter';

/** The state changed under the client (signed in another tab, deadline passed): show the page as it is now. */
const STALE = new Set(['FORM_CLOSED', 'APPLICATION_NOT_SIGNABLE', 'APPLICATION_CHANGED', 'SIGNING_LOCKED']);
/** What a code entry or a code request can answer; the signing page shows it beside the code. */
const CODE_ERRORS = new Set([
  'CODE_INVALID',
  'CODE_EXPIRED',
  'CODE_LOCKED',
  'CODE_NOT_REQUESTED',
  'CODE_RESEND_TOO_SOON',
  'CODE_NOT_SENT',
  'CODE_LIMIT_REACHED',
]);

/**
 * The client's pages, beside the JSON API and behind the same link session: one page whose
 * content follows the application's state, and plain HTML forms that post here and are
 * answered with 303 to the page (success) or the page again with the messages (failure).
 */
@ApiExcludeController()
@ClientSession()
// Plain HTML forms post url-encoded bodies.
@Consumes('application/x-www-form-urlencoded')
@UseFilters(PagesExceptionFilter)
@Controller('client/:applicationId')
export class ClientPagesController {
  constructor(
    private readonly clients: ClientService,
    private readonly signing: SigningService,
    private readonly pages: ClientPagesService,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  async page(
    @CurrentClient() client: ClientIdentity,
    @Param('applicationId') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const application = await this.clients.application(own(client, id));
    await this.clients.opened(application, actor(req));
    await this.show(res, application);
  }

  @Post('form')
  async submit(
    @CurrentClient() client: ClientIdentity,
    @Param('applicationId') id: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sameOrigin(req);
    const application = await this.clients.application(own(client, id));
    const values = Object.fromEntries(FORM_FIELDS.map((f) => [f.name, text(body[f.name])]));
    try {
      await this.clients.submit(application, await validated(ClientFormDto, values), actor(req));
    } catch (e) {
      if (isDomain(e, 'VALIDATION_FAILED'))
        return this.show(res, application, { form: { values, errors: fieldErrors(e) } }, 400);
      if (!isDomain(e, ...STALE)) throw e;
    }
    see(res, id);
  }

  @Post('signing-code')
  async sendCode(
    @CurrentClient() client: ClientIdentity,
    @Param('applicationId') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sameOrigin(req);
    const application = await this.clients.application(own(client, id));
    try {
      const { course } = await this.clients.view(application);
      await this.signing.sendCode(application, course.title ?? application.courseCode, actor(req));
    } catch (e) {
      if (isDomain(e, ...CODE_ERRORS))
        return this.show(res, application, { signing: { notice: clientMessage(e) } }, e.status);
      if (!isDomain(e, ...STALE)) throw e;
      return see(res, id);
    }
    see(res, id, '#code');
  }

  @Post('signature')
  async sign(
    @CurrentClient() client: ClientIdentity,
    @Param('applicationId') id: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sameOrigin(req);
    const application = await this.clients.application(own(client, id));
    const code = text(body.signingCode);
    try {
      const { signingCode } = await validated(SignDto, { signingCode: code });
      await this.signing.sign(application, signingCode, {
        ...actor(req),
        ip: req.ip ?? '',
        userAgent: req.get('user-agent') ?? '',
      });
    } catch (e) {
      if (isDomain(e, 'VALIDATION_FAILED'))
        return this.show(res, application, { signing: { codeError: fieldErrors(e).signingCode, code } }, 400);
      if (isDomain(e, ...CODE_ERRORS))
        return this.show(res, application, { signing: { codeError: clientMessage(e), code } }, e.status);
      if (!isDomain(e, ...STALE)) throw e;
    }
    see(res, id);
  }

  /** The confirm step: a refusal is final, so it takes a page of its own and a reason. */
  @Get('decline')
  async declineStep(@CurrentClient() client: ClientIdentity, @Param('applicationId') id: string, @Res() res: Response) {
    await this.show(res, await this.clients.application(own(client, id)), { decline: { reason: '' } });
  }

  @Post('decline')
  async decline(
    @CurrentClient() client: ClientIdentity,
    @Param('applicationId') id: string,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sameOrigin(req);
    const application = await this.clients.application(own(client, id));
    const reason = text(body.reason);
    try {
      await this.signing.decline(application, (await validated(DeclineDto, { reason })).reason, actor(req));
    } catch (e) {
      if (isDomain(e, 'VALIDATION_FAILED'))
        return this.show(res, application, { decline: { reason, error: fieldErrors(e).reason } }, 400);
      if (!isDomain(e, ...STALE)) throw e;
    }
    see(res, id);
  }

  private async show(res: Response, application: ApplicationDocument, extras: PageExtras = {}, status = 200) {
    const { page, data } = await this.pages.screen(application, extras);
    this.renderer.send(res, page, data, status);
  }
}

/** A session sees one application; any other id, real or not, is the same 404 page. */
function own(client: ClientIdentity, applicationId: string): string {
  if (client.applicationId !== applicationId) {
    throw new DomainError('APPLICATION_NOT_FOUND', `No application ${applicationId}`, { status: 404 });
  }
  return applicationId;
}

/**
 * The session cookie is SameSite=Strict already; this refuses what a browser marks as sent from
 * another site. (Origin alone cannot tell: with Referrer-Policy no-referrer a form's POST says `null`.)
 */
function sameOrigin(req: Request): void {
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const foreignOrigin = origin && origin !== 'null' && safeHost(origin) !== req.get('host');
  if ((site && site !== 'same-origin' && site !== 'none') || foreignOrigin) {
    throw new DomainError('FORBIDDEN', 'Forms are accepted from this site only', { status: 403 });
  }
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function see(res: Response, applicationId: string, fragment = ''): void {
  res.redirect(303, `${pageUrl(applicationId)}${fragment}`);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function actor(req: Request): Actor {
  return { actor: 'client', ip: req.ip, userAgent: req.get('user-agent') };
}

function isDomain(e: unknown, ...codes: string[]): e is DomainError {
  return e instanceof DomainError && codes.includes(e.code);
}

/** The API's own pipe, DTO and rules, run here so that failures come back as a page, not as JSON. */
const pipe = new DtoValidationPipe();

async function validated<T extends object>(dto: new () => T, values: Record<string, string>): Promise<T> {
  return (await pipe.transform(values, { type: 'body', metatype: dto })) as T;
}
