import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, CurrentStaff, Roles, type StaffIdentity } from '@otus/common';
import { IsIn } from 'class-validator';
import { ERASURE_REASONS, type ErasureReason, ErasureService } from './erasure.service';

export class EraseRequestDto {
  @ApiProperty({ enum: ERASURE_REASONS, description: 'Why: a code, so the trail names no one' })
  @IsIn(ERASURE_REASONS)
  reasonCode!: ErasureReason;
}

export class ErasureResponse {
  @ApiProperty() applicationId!: string;
  @ApiProperty() erasedAt!: string;
  @ApiProperty({ enum: ['retention', 'request'] }) trigger!: string;
  @ApiProperty() reasonCode!: string;
  @ApiProperty({ description: 'Erased before this request (by the job or another request): nothing more was done' })
  alreadyErased!: boolean;
}

@ApiTags('contracts (staff)')
@ApiBearerAuth('staff')
@Controller('contracts')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  /**
   * Erases the application's personal data and documents everywhere (this service, the
   * notification and user services, the engine's history), keeping an anonymised record.
   */
  @Post(':applicationId/erasure')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasureResponse })
  @ApiErrorResponses(
    { status: 404, description: 'APPLICATION_NOT_FOUND' },
    {
      status: 409,
      description:
        'APPLICATION_RUNNING (cancel it first), RETENTION_REQUIRED (a concluded contract within its legal period; details.retainUntil) or ERASURE_IN_PROGRESS (being erased right now)',
    },
    { status: 503, description: 'ERASURE_INCOMPLETE or ENGINE_UNAVAILABLE: nothing here was erased; try again' },
  )
  async erase(
    @Param('applicationId') applicationId: string,
    @Body() { reasonCode }: EraseRequestDto,
    @CurrentStaff() staff: StaffIdentity,
  ): Promise<ErasureResponse> {
    const { erasure, alreadyErased } = await this.erasure.request(applicationId, reasonCode, `staff:${staff.subject}`);
    return {
      applicationId,
      erasedAt: erasure.at.toISOString(),
      trigger: erasure.trigger,
      reasonCode: erasure.reasonCode,
      alreadyErased,
    };
  }
}
