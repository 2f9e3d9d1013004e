import { ApiProperty } from '@nestjs/swagger';
import { ApplicationResponse } from '../../applications/dto/application.dto';

export class TimelineEvent {
  @ApiProperty({ nullable: true, type: Number, description: 'Position in the audit chain; null before chaining' })
  seq!: number | null;
  @ApiProperty({ description: 'When, ISO 8601 (UTC)' }) at!: string;
  @ApiProperty({ example: 'contract.signed', description: 'What happened (docs/contract-service.md lists them)' })
  action!: string;
  @ApiProperty({
    example: 'client',
    description: 'Who: client, crm, staff, system (the process), download-link (a webhook URL was used)',
  })
  by!: string;
}

/** The application as GET /applications/{id} shows it, with what happened to it, oldest first. */
export class TimelineResponse extends ApplicationResponse {
  @ApiProperty({ type: [TimelineEvent] }) events!: TimelineEvent[];
}
