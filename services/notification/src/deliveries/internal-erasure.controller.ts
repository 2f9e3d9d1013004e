import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal } from '@otus/common';
import { DeliveryLogService } from './delivery-log.service';

/**
 * For the contract service, which erases an ended application's personal data everywhere
 * (retention, or a request): this service's part is what its messages carried. Idempotent.
 */
@ApiExcludeController()
@Internal()
@Controller('internal/applications/:applicationId/personal-data/erase')
export class InternalErasureController {
  constructor(private readonly log: DeliveryLogService) {}

  @Post()
  @HttpCode(204)
  async erase(@Param('applicationId') applicationId: string): Promise<void> {
    await this.log.erase(applicationId);
  }
}
