import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptionalNotNull, PageOf, PageQuery } from '@otus/common';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

const MAX_USES = 1_000_000_000;

export class CreatePromoCodeDto {
  @ApiProperty({ example: 'SPRING-2027', description: 'Stored upper-case; unique in any case' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$/, { message: 'code must be 3-40 Latin letters, digits, "-" or "_"' })
  code!: string;

  @ApiPropertyOptional({
    example: 1,
    nullable: true,
    description: '1: single-use; N; null or absent: unlimited within the campaign',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_USES)
  maxUses?: number | null;
}

/** Absent fields stay; maxUses null makes the code unlimited. */
export class UpdatePromoCodeDto extends PartialType(CreatePromoCodeDto, { skipNullProperties: false }) {}

export class GeneratePromoCodesDto {
  @ApiProperty({ example: 100, minimum: 1, maximum: 1000 })
  @IsInt()
  @Min(1)
  @Max(1000)
  count!: number;

  @ApiPropertyOptional({ example: 'SPRING', description: 'Put before the random part, with a "-": SPRING-7KQ2MXPA' })
  @IsOptionalNotNull()
  @Matches(/^[A-Za-z0-9]{1,16}$/, { message: 'prefix must be 1-16 Latin letters or digits' })
  prefix?: string;

  @ApiProperty({ example: 8, minimum: 6, maximum: 16, description: 'Random symbols per code' })
  @IsInt()
  @Min(6)
  @Max(16)
  length!: number;

  @ApiPropertyOptional({
    example: 1,
    nullable: true,
    default: 1,
    description: 'Uses per code; absent: 1 (single-use); null: unlimited within the campaign',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_USES)
  maxUses?: number | null;
}

export class ListPromoCodesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the code, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  q?: string;
}

export class PromoCodeResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ example: 'SPRING-2027' }) code!: string;
  @ApiProperty({ type: Number, nullable: true }) maxUses!: number | null;
  @ApiProperty() reservedUses!: number;
  @ApiProperty() redeemedUses!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class PromoCodePage extends PageOf(PromoCodeResponse) {}
