import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptionalNotNull, PageOf, PageQuery } from '@otus/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsDateString,
  IsEmail,
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
  ValidateNested,
} from 'class-validator';
import { CourseStatus } from '../course.entity';
import type { RejectReason } from '../course-availability';

export class StaffNotificationsDto {
  @ApiProperty({
    type: [String],
    example: ['manager@school.example'],
    description: 'Staff addresses that hear of concluded, declined, locked and cancelled applications (at most 20)',
  })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value,
  )
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsEmail({}, { each: true })
  @MaxLength(254, { each: true })
  recipients!: string[];

  @ApiProperty({ description: "The course's mentors (their contact e-mail) hear of them too" })
  @IsBoolean()
  includeMentors!: boolean;

  @ApiProperty({
    description: "One e-mail a day with the day's events (NOTIFICATION_DIGEST_TIME) instead of one per event",
  })
  @IsBoolean()
  dailyDigest!: boolean;
}

export class CreateCourseDto {
  @ApiProperty({ example: 'NODEJS-2027-01', description: 'Unique, letters, digits, "-" and "_"' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/, { message: 'code must be 2-64 letters, digits, "-" or "_"' })
  code!: string;

  @ApiProperty({ example: 'Node.js Developer' })
  @IsString()
  @Length(3, 200)
  title!: string;

  @ApiPropertyOptional({ example: 'Backend development on Node.js' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({ example: '2027-02-01', description: 'First lesson, YYYY-MM-DD' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startDate must be YYYY-MM-DD' })
  startDate!: string;

  @ApiProperty({ example: '2027-01-25T21:00:00Z', description: 'Last moment to enrol; before the start date' })
  @IsISO8601({ strict: true })
  enrolmentDeadline!: string;

  @ApiProperty({ example: 9_900_000, description: 'Price in kopecks (RUB)' })
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  priceKopecks!: number;

  @ApiProperty({ example: 30, description: 'Seats on the course' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  capacity!: number;

  @ApiPropertyOptional({ enum: CourseStatus, default: CourseStatus.Draft })
  @IsOptionalNotNull()
  @IsEnum(CourseStatus)
  status?: CourseStatus;

  @ApiPropertyOptional({ type: StaffNotificationsDto, description: 'Default: nobody is told' })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => StaffNotificationsDto)
  staffNotifications?: StaffNotificationsDto;
}

/** Absent fields stay; null is refused (no field of a course is nullable). */
export class UpdateCourseDto extends PartialType(CreateCourseDto, { skipNullProperties: false }) {}

export class ListCoursesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CourseStatus })
  @IsOptional()
  @IsEnum(CourseStatus)
  status?: CourseStatus;

  @ApiPropertyOptional({ description: 'Part of the code or title, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class CourseResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ example: '2027-02-01' }) startDate!: string;
  @ApiProperty() enrolmentDeadline!: string;
  @ApiProperty() priceKopecks!: number;
  @ApiProperty() capacity!: number;
  @ApiProperty({ enum: CourseStatus }) status!: CourseStatus;
  @ApiProperty({ description: 'Seats held by applications still signing' }) seatsHeld!: number;
  @ApiProperty({ description: 'Seats booked by signed contracts' }) seatsConfirmed!: number;
  @ApiProperty() freeSeats!: number;
  @ApiProperty({ type: [String], format: 'uuid' }) mentorIds!: string[];
  @ApiProperty({ type: StaffNotificationsDto }) staffNotifications!: StaffNotificationsDto;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CoursePage extends PageOf(CourseResponse) {}

export class PublicMentor {
  @ApiProperty() name!: string;
  @ApiProperty() bio!: string;
}

export class CourseCard {
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty() startDate!: string;
  @ApiProperty() enrolmentDeadline!: string;
  @ApiProperty() priceKopecks!: number;
  @ApiProperty({ type: [PublicMentor] }) mentors!: PublicMentor[];
}

/** For the notification service: where a course's staff notices go. */
export class StaffRecipientsResponse {
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [String], description: "Staff addresses, and the mentors' when included; no repeats" })
  recipients!: string[];
  @ApiProperty() dailyDigest!: boolean;
}

export class AvailabilityResponse {
  @ApiProperty() code!: string;
  @ApiProperty() available!: boolean;
  @ApiPropertyOptional({ enum: ['COURSE_NOT_FOUND', 'ENROLMENT_CLOSED', 'COURSE_STARTED', 'NO_FREE_SEATS'] })
  reason?: RejectReason;
  @ApiProperty() freeSeats!: number;
}
