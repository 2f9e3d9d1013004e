import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Public } from '@otus/common';
import type { Request } from 'express';
import { ApplicationsService } from '../applications/applications.service';
import { requestActor } from '../audit/request-actor';
import { contractErrors } from '../contract-errors';
import { ClientLinksClient } from './client-links.client';
import { LinkRenewalDto, LinkRenewalResponse } from './dto/lifecycle.dto';
import { LifecycleService } from './lifecycle.service';

/**
 * The link page's "ask for a new link": anyone holding a link that no longer opens. The token
 * proves nothing beyond having had the e-mail, so the answer is bounded: a new link goes only to
 * the address the school has, a limited number of times, and nothing about the application is told.
 */
@ApiTags('client')
@Public()
@Controller('public/link-renewals')
export class LinkRenewalController {
  constructor(
    private readonly links: ClientLinksClient,
    private readonly applications: ApplicationsService,
    private readonly lifecycle: LifecycleService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: LinkRenewalResponse })
  @ApiErrorResponses(
    { status: 410, description: 'LINK_UNKNOWN: not a link this school sent (or cut short)' },
    {
      status: 409,
      description:
        'LINK_STILL_VALID: open it; LINK_REPLACED: the newest e-mail has a link that opens; APPLICATION_ENDED, CONTRACT_SIGNED: nothing to renew; NOT_AWAITING_CLIENT: try again shortly',
    },
    { status: 429, description: 'LINK_RENEWAL_LIMIT_REACHED: asked as many times as allowed' },
    { status: 503, description: 'LINK_CHECK_UNAVAILABLE, ENGINE_UNAVAILABLE: nothing changed, try again' },
  )
  async renew(@Body() { token }: LinkRenewalDto, @Req() req: Request): Promise<LinkRenewalResponse> {
    const link = await this.links.lookup(token);
    if (!link) throw contractErrors.LINK_UNKNOWN('This link is not one this school sent');
    if (link.state === 'valid') throw contractErrors.LINK_STILL_VALID('This link still opens: open it again');
    const application = await this.applications.withOutcome(await this.applications.get(link.applicationId));
    return this.lifecycle.renewLink(application, link, requestActor('client', req));
  }
}
