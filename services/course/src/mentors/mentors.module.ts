import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Course } from '../courses/course.entity';
import { Mentor } from './mentor.entity';
import { MentorService } from './mentor.service';
import { MentorsController } from './mentors.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Mentor, Course])],
  controllers: [MentorsController],
  providers: [MentorService],
})
export class MentorsModule {}
