import { TimestampedEntity } from '@otus/common/postgres';
import { Column, Entity, JoinTable, ManyToMany } from 'typeorm';
import { Course } from '../courses/course.entity';

export interface MentorContacts {
  email?: string;
  phone?: string;
  telegram?: string;
}

@Entity('mentors')
export class Mentor extends TimestampedEntity {
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
}
