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

export class LinkHolderResponse {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'П***** И.',
    description: 'Masked; null for links issued before it was kept',
  })
  name!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'i***@example.org' })
  email!: string | null;
}

export class LinkPreviewResponse {
  @ApiProperty({ type: LinkHolderResponse }) holder!: LinkHolderResponse;
  @ApiProperty({ description: 'The link has never been opened' }) firstOpening!: boolean;
  @ApiProperty({ description: 'This browser has a session of another application, which opening would replace' })
  replacesSession!: boolean;
}
