import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `engine-admin`: the staff role that opens Cockpit at the gateway, apart from the app's `admin`.
 * Administrators who had Cockpit before keep it (they get the role once, here); later
 * administrators get it only when granted.
 */
export class EngineAdminRole1796250000000 implements MigrationInterface {
  name = 'EngineAdminRole1796250000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_roles_known"`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_roles_known" CHECK (roles <@ ARRAY['admin', 'operator', 'engine-admin']::varchar[])`,
    );
    await queryRunner.query(
      `UPDATE "users" SET "roles" = array_append("roles", 'engine-admin') WHERE 'admin' = ANY("roles")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "users" SET "roles" = array_remove("roles", 'engine-admin')`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_roles_known"`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_roles_known" CHECK (roles <@ ARRAY['admin', 'operator']::varchar[])`,
    );
  }
}
