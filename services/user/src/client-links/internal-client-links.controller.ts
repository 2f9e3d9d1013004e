import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal } from '@otus/common';
import { ClientLinkService, type LinkLookup } from './client-link.service';
import { ExchangeLinkDto } from './dto/client-link.dto';

/**
 * For the contract service: a client whose link no longer opens (a newer link replaced it, or it
 * expired) may ask for a new one, and the contract service learns from the token which
 * application that is and why. Never routed by the gateway; needs the internal API token.
 */
@ApiExcludeController()
@Internal()
@Controller('internal/client-links')
export class InternalClientLinksController {
  constructor(private readonly links: ClientLinkService) {}

  /** `{ applicationId, state: 'valid' | 'expired' | 'replaced' }`; an unknown token is 410 LINK_INVALID. */
  @Post('lookup')
  @HttpCode(200)
  lookup(@Body() { token }: ExchangeLinkDto): Promise<LinkLookup> {
    return this.links.lookup(token);
  }

  /** Erasure of an ended application's personal data: its link (holder's name and address) goes. Idempotent. */
  @Post(':applicationId/erase')
  @HttpCode(204)
  async erase(@Param('applicationId') applicationId: string): Promise<void> {
    await this.links.erase(applicationId);
  }
}
