import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCourses1763900000000 implements MigrationInterface {
  name = 'CreateCourses1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TYPE course_status AS ENUM ('draft', 'open', 'closed')`);
    await db.query(`
      CREATE TABLE courses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(64) NOT NULL UNIQUE,
        title varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        start_date date NOT NULL,
        enrolment_deadline timestamptz NOT NULL,
        price_kopecks integer NOT NULL CHECK (price_kopecks >= 0),
        capacity integer NOT NULL CHECK (capacity >= 0),
        status course_status NOT NULL DEFAULT 'draft',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE courses');
    await db.query('DROP TYPE course_status');
  }
}
