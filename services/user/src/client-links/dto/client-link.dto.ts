import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ExchangeLinkDto {
  @ApiProperty({ description: 'The token from the link in the e-mail' })
  @IsString()
  @Length(16, 128)
  token!: string;
}

export class ClientSessionResponse {
  @ApiProperty() applicationId!: string;
  @ApiProperty({ description: 'When the session cookie stops working; opening the link again renews it' })
  sessionExpiresAt!: string;
}
