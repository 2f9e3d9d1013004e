import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, CLIENT_SESSION_COOKIE, Public } from '@otus/common';
import { parse as parseCookies } from 'cookie';
import type { Request, Response } from 'express';
import { sessionCookie } from '../auth/cookies';
import type { UserEnv } from '../config';
import { ClientLinkService } from './client-link.service';
import { ClientSessionResponse, ExchangeLinkDto, LinkPreviewResponse } from './dto/client-link.dto';

@ApiTags('client-links')
@Public()
@Controller('client-links')
export class ClientLinksController {
  private readonly secureCookies: boolean;

  constructor(
    private readonly links: ClientLinkService,
    config: ConfigService<UserEnv, true>,
  ) {
    this.secureCookies = config.get('USER_COOKIE_SECURE', { infer: true });
  }

  /**
   * The link page asks first whose link it is, and shows the masked name and e-mail before a
   * first opening or before replacing another application's session: a link forwarded by
   * someone else cannot swap the session silently.
   */
  @Post('preview')
  @HttpCode(200)
  @ApiOkResponse({ type: LinkPreviewResponse })
  @ApiErrorResponses({ status: 410, description: 'LINK_INVALID: unknown or expired' }, 429)
  preview(@Body() { token }: ExchangeLinkDto, @Req() req: Request): Promise<LinkPreviewResponse> {
    return this.links.preview(token, parseCookies(req.headers.cookie ?? '')[CLIENT_SESSION_COOKIE]);
  }

  /** The client page calls this with the token from its URL; the session travels in an HttpOnly cookie. */
  @Post('exchange')
  @HttpCode(200)
  @ApiOkResponse({ type: ClientSessionResponse })
  @ApiErrorResponses({ status: 410, description: 'LINK_INVALID: unknown or expired' }, 429)
  async exchange(
    @Body() { token }: ExchangeLinkDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ClientSessionResponse> {
    const { session, applicationId, expiresAt, ttlMs } = await this.links.exchange(token);
    res.cookie(CLIENT_SESSION_COOKIE, session, sessionCookie(this.secureCookies, ttlMs));
    return { applicationId, sessionExpiresAt: expiresAt.toISOString() };
  }
}
