import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `manager`: a school's course manager, who reads applications as an `operator` does and also
 * steers them (cancels them, extends their deadlines). Administrators grant it, as they grant
 * `operator`. Reverting makes a manager an operator: the read access the older version knows.
 */
export class ManagerRole1796315784363 implements MigrationInterface {
  name = 'ManagerRole1796315784363';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_roles_known"`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_roles_known" CHECK (roles <@ ARRAY['admin', 'manager', 'operator', 'engine-admin']::varchar[])`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "users" SET "roles" = CASE WHEN 'operator' = ANY("roles") THEN array_remove("roles", 'manager') ELSE array_replace("roles", 'manager', 'operator') END WHERE 'manager' = ANY("roles")`,
    );
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_roles_known"`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_roles_known" CHECK (roles <@ ARRAY['admin', 'operator', 'engine-admin']::varchar[])`,
    );
  }
}
