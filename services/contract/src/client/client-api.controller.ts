import {
  Body,
  Controller,
  createParamDecorator,
  type ExecutionContext,
  Get,
  HttpCode,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrorResponses, SECURITY } from '@otus/common';
import type { Request, Response } from 'express';
import type { ApplicationDocument } from '../applications/application.schema';
import type { Actor } from '../audit/audit.service';
import { AuditService } from '../audit/audit.service';
import { DocumentsService } from '../documents/documents.service';
import { SigningService } from '../signing/signing.service';
import {
  APPLICATION_ID_PARAM,
  ClientAccess,
  ClientActor,
  ClientApplication,
  ClientApplicationId,
  type ClientSigner,
  ClientSignerActor,
} from './client-access';
import { ClientService } from './client.service';
import { ClientCorrectionDto, ClientFormDto, DeclineDto, SignDto } from './dto/client-form.dto';
import { ClientViewResponse, CorrectionResponse, SigningCodeStateResponse } from './dto/client-view.dto';
import { contractErrors } from '../contract-errors';

/** The document in the path: the draft or the signed contract; any other name is DOCUMENT_NOT_FOUND. */
const DocumentKind = createParamDecorator((_: unknown, context: ExecutionContext): 'draft' | 'signed' => {
  const kind = context.switchToHttp().getRequest<Request>().params.kind;
  if (kind !== 'draft' && kind !== 'signed') throw contractErrors.DOCUMENT_NOT_FOUND(`No ${String(kind)} document`);
  return kind;
});

/**
 * The client's own application, reached with the link session. Another application's id
 * answers 404: a session sees exactly one application and cannot learn that others exist
 * (`@ClientAccess`, the same check as the pages').
 */
@ApiTags('client')
@ApiCookieAuth(SECURITY.client)
@ApiParam({ name: APPLICATION_ID_PARAM, type: String })
@ClientAccess()
@Controller('client/api/applications/:applicationId')
export class ClientApiController {
  constructor(
    private readonly clients: ClientService,
    private readonly signing: SigningService,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOkResponse({ type: ClientViewResponse, description: 'The page state, course, price and signing-code state' })
  async view(@ClientApplication() application: ApplicationDocument, @ClientActor() actor: Actor) {
    await this.clients.opened(application, actor);
    return { ...(await this.clients.view(application)), signingCode: await this.signing.state(application) };
  }

  @Post('form')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrorResponses({ status: 409, description: 'FORM_CLOSED: submitted already, or the process has moved on' })
  async submit(
    @ClientApplication() application: ApplicationDocument,
    @Body() form: ClientFormDto,
    @ClientActor() actor: Actor,
  ) {
    await this.clients.submit(application, form, actor);
  }

  @Post('correction')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: CorrectionResponse,
    description: 'The draft is withdrawn; a new one is made from the corrected data and e-mailed',
  })
  @ApiErrorResponses(
    { status: 400, description: 'VALIDATION_FAILED: the same rules as the form; a promo code cannot be changed' },
    {
      status: 409,
      description:
        'CORRECTION_LIMIT_REACHED (details.maxCorrections, details.used), CORRECTION_NOT_ALLOWED (no draft awaits a signature, signing locked, or corrections turned off) or APPLICATION_CHANGED (signed, declined or cancelled a moment ago)',
    },
  )
  async correct(
    @ClientApplication() application: ApplicationDocument,
    @Body() form: ClientCorrectionDto,
    @ClientActor() actor: Actor,
  ): Promise<CorrectionResponse> {
    const revision = await this.clients.correct(application, form, actor);
    const corrections = await this.clients.corrections(await this.clients.application(application._id));
    return { draftRevision: revision, correctionsLeft: corrections.left };
  }

  @Post('signing-code')
  @HttpCode(200)
  @ApiOkResponse({ type: SigningCodeStateResponse, description: 'Sent to the client’s e-mail' })
  @ApiErrorResponses(
    { status: 409, description: 'APPLICATION_NOT_SIGNABLE: no draft awaits a signature' },
    { status: 429, description: 'CODE_RESEND_TOO_SOON (details.canResendAt), or the gateway’s TOO_MANY_REQUESTS' },
    { status: 503, description: 'CODE_NOT_SENT: the e-mail could not be sent; ask again' },
  )
  async sendCode(@ClientApplication() application: ApplicationDocument, @ClientActor() actor: Actor) {
    const view = await this.clients.view(application);
    return this.signing.sendCode(application, view.course.title ?? application.courseCode, actor);
  }

  @Post('signature')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Signed; the process finalises the contract' })
  @ApiErrorResponses(
    { status: 409, description: 'APPLICATION_NOT_SIGNABLE, CODE_NOT_REQUESTED or APPLICATION_CHANGED' },
    { status: 410, description: 'CODE_EXPIRED: ask for a new code' },
    { status: 422, description: 'CODE_INVALID (details.attemptsLeft)' },
    { status: 423, description: 'CODE_LOCKED: too many wrong codes; ask for a new one' },
    { status: 429, description: 'TOO_MANY_REQUESTS (the gateway)' },
  )
  async sign(
    @ClientApplication() application: ApplicationDocument,
    @Body() { signingCode }: SignDto,
    @ClientSignerActor() signer: ClientSigner,
  ) {
    await this.signing.sign(application, signingCode, signer);
  }

  @Post('decline')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrorResponses({ status: 409, description: 'APPLICATION_NOT_SIGNABLE or APPLICATION_CHANGED' })
  async decline(
    @ClientApplication() application: ApplicationDocument,
    @Body() decline: DeclineDto,
    @ClientActor() actor: Actor,
  ) {
    await this.signing.decline(application, decline, actor);
  }

  @Get('documents/:kind')
  // Listed here, not only on the class, so that the id comes first, as in the path.
  @ApiParam({ name: 'kind', enum: ['draft', 'signed'] })
  @ApiParam({ name: APPLICATION_ID_PARAM, type: String })
  // The PDF type on the 200 alone: the errors (404, 410 DOCUMENT_ERASED) are JSON.
  @ApiOkResponse({
    description: 'The PDF (draft or signed)',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrorResponses({ status: 410, description: "DOCUMENT_ERASED: erased with the application's personal data" })
  async document(
    @ClientApplicationId() id: string,
    @DocumentKind() kind: 'draft' | 'signed',
    @Query('download') download: string | undefined,
    @ClientActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const document = await this.documents.current(id, kind);
    const pdf = this.documents.open(document);
    await this.audit.record(id, `document.${download ? 'downloaded' : 'viewed'}`, actor, {
      kind,
      sha256: document.sha256,
    });
    const name = kind === 'draft' ? 'proekt-dogovora.pdf' : 'dogovor.pdf';
    res.setHeader('Content-Disposition', `${download ? 'attachment' : 'inline'}; filename="${name}"`);
    return new StreamableFile(pdf, { type: 'application/pdf' });
  }
}
