import {
  Column,
  CreateDateColumn,
  Entity,
  JoinTable,
  ManyToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Course } from '../courses/course.entity';

export interface MentorContacts {
  email?: string;
  phone?: string;
  telegram?: string;
}

@Entity('mentors')
export class Mentor {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ length: 200 })
  name!: string;

  @Column({ type: 'text', default: '' })
  bio!: string;

  @Column({ type: 'jsonb', default: {} })
  contacts!: MentorContacts;

  /** The courses this mentor leads. */
  @ManyToMany(() => Course, (course) => course.mentors, { onDelete: 'CASCADE' })
  @JoinTable({
    name: 'course_mentors',
    joinColumn: { name: 'mentor_id' },
    inverseJoinColumn: { name: 'course_id' },
  })
  courses!: Course[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
