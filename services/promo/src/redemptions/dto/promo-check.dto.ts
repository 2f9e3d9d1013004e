import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { COURSE_CODE } from '../../campaigns/dto/campaign.dto';
import { MAX_KOPECKS } from '../../money/money';
import { PROMO_REJECTIONS, type PromoRejection } from '../promo-rules';

export class CheckPromoCodeDto {
  @ApiProperty({ example: 'spring-2027', description: 'As the client typed it; any case' })
  @IsString()
  @Length(1, 100)
  code!: string;

  @ApiProperty({ example: 'NODEJS-2027-01' })
  @Matches(COURSE_CODE, { message: 'courseCode must be 2-64 letters, digits, "-" or "_"' })
  courseCode!: string;

  @ApiProperty({ example: 9_900_000, description: 'Course price in kopecks (RUB)' })
  @IsInt()
  @Min(0)
  @Max(MAX_KOPECKS)
  priceKopecks!: number;
}

export class PromoCheckResponse {
  @ApiProperty() applicable!: boolean;
  @ApiPropertyOptional({ enum: PROMO_REJECTIONS, description: 'Why not, when not applicable' })
  reason?: PromoRejection;
  @ApiProperty({ example: 1_485_000 }) discountKopecks!: number;
  @ApiProperty({ example: 8_415_000 }) finalPriceKopecks!: number;
}
