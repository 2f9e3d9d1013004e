import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptionalNotNull, PageOf, PageQuery } from '@otus/common';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_KOPECKS } from '../../money/money';
import { CampaignDiscountType } from '../campaign.entity';

/** The course service's code format. */
export const COURSE_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;
const MAX_USES = 1_000_000_000;

export class CreateCampaignDto {
  @ApiProperty({ example: 'Весна 2027' })
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiProperty({ example: '2027-03-01T00:00:00+03:00', description: 'First moment a code of the campaign works' })
  @IsISO8601({ strict: true })
  startsAt!: string;

  @ApiPropertyOptional({
    example: '2027-04-01T00:00:00+03:00',
    nullable: true,
    description: 'First moment it no longer works, after startsAt; null or absent: open-ended',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  endsAt?: string | null;

  @ApiProperty({ enum: CampaignDiscountType })
  @IsEnum(CampaignDiscountType)
  discountType!: CampaignDiscountType;

  @ApiProperty({ example: 15, description: 'percent: 1..100; fixed: kopecks (RUB), > 0' })
  @IsInt()
  @Min(1)
  @Max(MAX_KOPECKS)
  discountValue!: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['NODEJS-2027-01'],
    default: [],
    description: 'Course codes the campaign applies to; empty: every course',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(COURSE_CODE, { each: true, message: 'each course code must be 2-64 letters, digits, "-" or "_"' })
  courseCodes?: string[];

  @ApiPropertyOptional({
    example: 500,
    nullable: true,
    description: 'Uses (reserved + redeemed) allowed over the whole campaign; null: unlimited',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_USES)
  maxUses?: number | null;

  @ApiPropertyOptional({ example: 1, nullable: true, description: 'Uses allowed per client e-mail; null: unlimited' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_USES)
  maxUsesPerEmail?: number | null;

  @ApiPropertyOptional({ default: true, description: 'Codes of an inactive campaign are invalid' })
  @IsOptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

/** Absent fields stay; null clears the nullable ones (endsAt, maxUses, maxUsesPerEmail) and is refused elsewhere. */
export class UpdateCampaignDto extends PartialType(CreateCampaignDto, { skipNullProperties: false }) {}

export class ListCampaignsQuery extends PageQuery {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Part of the name, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Only campaigns that apply to this course (including those for every course)' })
  @IsOptional()
  @Matches(COURSE_CODE, { message: 'courseCode must be 2-64 letters, digits, "-" or "_"' })
  courseCode?: string;
}

export class CampaignResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty({ type: String, nullable: true }) endsAt!: string | null;
  @ApiProperty({ enum: CampaignDiscountType }) discountType!: CampaignDiscountType;
  @ApiProperty() discountValue!: number;
  @ApiProperty({ type: [String] }) courseCodes!: string[];
  @ApiProperty({ type: Number, nullable: true }) maxUses!: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxUsesPerEmail!: number | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'Uses held by applications still signing' }) reservedUses!: number;
  @ApiProperty({ description: 'Uses by signed contracts' }) redeemedUses!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CampaignPage extends PageOf(CampaignResponse) {}
