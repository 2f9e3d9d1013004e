import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateApiClientDto {
  @ApiProperty({ example: 'amoCRM production' })
  @IsString()
  @Length(2, 200)
  name!: string;
}

export class ApiClientResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'otus_Ab3d' }) keyPrefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;
}

export class CreatedApiClientResponse extends ApiClientResponse {
  @ApiProperty({ description: 'Shown only now: send it as the X-Api-Key header' }) apiKey!: string;
}
