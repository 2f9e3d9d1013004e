import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptionalNotNull, PageOf, PageQuery } from '@otus/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export class MentorContactsDto {
  @ApiPropertyOptional({ example: 'mentor@otus.ru' })
  @IsOptionalNotNull()
  @IsEmail()
  @MaxLength(200)
  email?: string;

  @ApiPropertyOptional({ example: '+79991234567' })
  @IsOptionalNotNull()
  @Matches(/^\+?[0-9 ()-]{5,20}$/, { message: 'phone must be digits with an optional leading +' })
  phone?: string;

  @ApiPropertyOptional({ example: '@mentor' })
  @IsOptionalNotNull()
  @Matches(/^@?[A-Za-z0-9_]{5,32}$/, { message: 'telegram must be a Telegram username' })
  telegram?: string;
}

export class CreateMentorDto {
  @ApiProperty({ example: 'Анна Смирнова' })
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'Senior backend engineer' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(5000)
  bio?: string;

  @ApiPropertyOptional({ type: MentorContactsDto })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => MentorContactsDto)
  contacts?: MentorContactsDto;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Courses this mentor leads' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  courseIds?: string[];
}

/** Absent fields stay; null is refused (no field of a mentor is nullable). */
export class UpdateMentorDto extends PartialType(CreateMentorDto, { skipNullProperties: false }) {}

export class ListMentorsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the name, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only mentors of this course' })
  @IsOptional()
  @IsUUID()
  courseId?: string;
}

export class MentorResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() bio!: string;
  @ApiProperty({ type: MentorContactsDto }) contacts!: MentorContactsDto;
  @ApiProperty({ type: [String], format: 'uuid' }) courseIds!: string[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class MentorPage extends PageOf(MentorResponse) {}
