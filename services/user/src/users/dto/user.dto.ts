import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptionalNotNull, PageOf, PageQuery } from '@otus/common';
import { Transform } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '../user.entity';

const lowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class CreateUserDto {
  @ApiProperty({ example: 'operator@otus.example' })
  @Transform(lowerCase)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'Ольга Иванова' })
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiProperty({ minLength: 12, description: 'At least 12 characters' })
  @IsString()
  @Length(12, 200)
  password!: string;

  @ApiProperty({ enum: STAFF_ROLES, isArray: true, example: ['operator'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  roles!: StaffRole[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsString()
  @Length(2, 200)
  name?: string;

  @ApiPropertyOptional({ enum: STAFF_ROLES, isArray: true })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(STAFF_ROLES, { each: true })
  roles?: StaffRole[];

  @ApiPropertyOptional({ description: 'false signs the user out everywhere and blocks logins' })
  @IsOptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export class SetPasswordDto {
  @ApiProperty({ minLength: 12 })
  @IsString()
  @Length(12, 200)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(200)
  currentPassword!: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @Length(12, 200)
  newPassword!: string;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the name or e-mail' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: STAFF_ROLES, isArray: true }) roles!: StaffRole[];
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class UserPage extends PageOf(UserResponse) {}
