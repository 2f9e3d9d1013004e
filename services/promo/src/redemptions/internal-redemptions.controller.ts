import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { Internal } from '@otus/common';
import { Repository } from 'typeorm';
import { Redemption } from './redemption.entity';

/**
 * For the contract service, which erases an ended application's personal data everywhere: a
 * redemption keeps its code, campaign, prices and status, not the hash of the client's e-mail.
 * Idempotent. Never routed by the gateway; needs the internal API token.
 */
@ApiExcludeController()
@Internal()
@Controller('internal/redemptions/:applicationId/erase')
export class InternalRedemptionsController {
  constructor(@InjectRepository(Redemption) private readonly redemptions: Repository<Redemption>) {}

  @Post()
  @HttpCode(204)
  async erase(@Param('applicationId') applicationId: string): Promise<void> {
    await this.redemptions.update({ applicationId }, { emailHash: null });
  }
}
