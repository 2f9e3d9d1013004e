import { Body, Controller, Get, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Consumes, type DomainError, isInvalidFields } from '@otus/common';
import type { Response } from 'express';
import type { ApplicationDocument } from '../applications/application.schema';
import type { Actor } from '../audit/audit.service';
import {
  ClientAccess,
  ClientActor,
  ClientApplication,
  type ClientSigner,
  ClientSignerActor,
} from '../client/client-access';
import { ClientService } from '../client/client.service';
import { ClientCorrectionDto, ClientFormDto, DeclineDto, SignDto } from '../client/dto/client-form.dto';
import { SigningService } from '../signing/signing.service';
import { ClientPagesService, type PageExtras } from './client-pages.service';
import { FORM_FIELDS } from './form-fields';
import { clientMessage, fieldErrors } from './page-messages';
import { PageForm, SameSiteForms, see, text, validated } from './page-forms';
import { PageRenderer } from './page-renderer';
import { PagesExceptionFilter } from './pages-exception.filter';

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
const isCodeError = (e: DomainError) => CODE_ERRORS.has(e.code);

const formValues = (body: Record<string, unknown>) => ({
  ...Object.fromEntries(FORM_FIELDS.map((f) => [f.name, text(body[f.name])])),
  consent: text(body.consent),
});
/** The correction form's fields: the form's, without the promo code (it cannot change). */
const correctionValues = (body: Record<string, unknown>) => ({
  ...Object.fromEntries(FORM_FIELDS.filter((f) => f.name !== 'promoCode').map((f) => [f.name, text(body[f.name])])),
  consent: text(body.consent),
});
const CORRECTION_ERRORS = new Set(['CORRECTION_LIMIT_REACHED']);

/**
 * The client's pages, beside the JSON API and behind the same link session and the same check
 * (`@ClientAccess`): one page whose content follows the application's state, and plain HTML
 * forms that post here and are answered with 303 to the page (success) or, by `@PageForm`, the
 * page again with the messages (refusal). Another application's id is the 404 page.
 */
@ApiExcludeController()
@ClientAccess(SameSiteForms)
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
  async page(@ClientApplication() application: ApplicationDocument, @ClientActor() actor: Actor, @Res() res: Response) {
    await this.clients.opened(application, actor);
    await this.show(res, application);
  }

  @Post('form')
  @PageForm((e, body) =>
    isInvalidFields(e) ? { form: { values: formValues(body), errors: fieldErrors(e) } } : undefined,
  )
  async submit(
    @ClientApplication() application: ApplicationDocument,
    @Body() body: Record<string, unknown>,
    @ClientActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.clients.submit(application, await validated(ClientFormDto, formValues(body)), actor);
    see(res, application._id);
  }

  /** «Исправить данные»: the form again with what the client submitted; only while a correction is possible. */
  @Get('correction')
  async correctionStep(@ClientApplication() application: ApplicationDocument, @Res() res: Response) {
    if (!(await this.clients.corrections(application)).allowed) return see(res, application._id);
    await this.show(res, application, { correction: {} });
  }

  @Post('correction')
  @PageForm((e, body) => {
    if (isInvalidFields(e)) return { correction: { values: correctionValues(body), errors: fieldErrors(e) } };
    return CORRECTION_ERRORS.has(e.code) ? { signing: { correctionNotice: clientMessage(e) } } : undefined;
  })
  async correct(
    @ClientApplication() application: ApplicationDocument,
    @Body() body: Record<string, unknown>,
    @ClientActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.clients.correct(application, await validated(ClientCorrectionDto, correctionValues(body)), actor);
    see(res, application._id);
  }

  @Post('signing-code')
  @PageForm((e) => (isCodeError(e) ? { signing: { notice: clientMessage(e) } } : undefined))
  async sendCode(
    @ClientApplication() application: ApplicationDocument,
    @ClientActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { course } = await this.clients.view(application);
    await this.signing.sendCode(application, course.title ?? application.courseCode, actor);
    see(res, application._id, '#code');
  }

  @Post('signature')
  @PageForm((e, body) => {
    const code = text(body.signingCode);
    if (isInvalidFields(e)) return { signing: { codeError: fieldErrors(e).signingCode, code } };
    return isCodeError(e) ? { signing: { codeError: clientMessage(e), code } } : undefined;
  })
  async sign(
    @ClientApplication() application: ApplicationDocument,
    @Body() body: Record<string, unknown>,
    @ClientSignerActor() signer: ClientSigner,
    @Res() res: Response,
  ) {
    const { signingCode } = await validated(SignDto, { signingCode: text(body.signingCode) });
    await this.signing.sign(application, signingCode, signer);
    see(res, application._id);
  }

  /** The confirm step: a refusal is final, so it takes a page of its own and a reason. */
  @Get('decline')
  async declineStep(@ClientApplication() application: ApplicationDocument, @Res() res: Response) {
    await this.show(res, application, { decline: { reason: '', reasonCode: null } });
  }

  @Post('decline')
  @PageForm((e, body) =>
    isInvalidFields(e)
      ? {
          decline: {
            reason: text(body.reason),
            reasonCode: text(body.reasonCode) || null,
            error: fieldErrors(e).reason,
            reasonCodeError: fieldErrors(e).reasonCode,
          },
        }
      : undefined,
  )
  async decline(
    @ClientApplication() application: ApplicationDocument,
    @Body() body: Record<string, unknown>,
    @ClientActor() actor: Actor,
    @Res() res: Response,
  ) {
    const decline = await validated(DeclineDto, { reason: text(body.reason), reasonCode: text(body.reasonCode) });
    await this.signing.decline(application, decline, actor);
    see(res, application._id);
  }

  private async show(res: Response, application: ApplicationDocument, extras: PageExtras = {}) {
    const { page, data } = await this.pages.screen(application, extras);
    this.renderer.send(res, page, data);
  }
}
