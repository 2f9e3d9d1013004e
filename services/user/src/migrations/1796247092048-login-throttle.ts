import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sign-in attempts per e-mail (the per-account lock), their audit, and the first administrator's forced password change. */
export class LoginThrottle1796247092048 implements MigrationInterface {
  name = 'LoginThrottle1796247092048';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "login_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "user_id" uuid, "event" character varying(32) NOT NULL, "client_address" character varying(64), "detail" jsonb, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5cd6102474db62bc181590b9902" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_4d712537500d0dab83d3e1b6fb" ON "login_events" ("email", "at") `);
    await queryRunner.query(
      `CREATE TABLE "login_throttles" ("email" character varying(254) NOT NULL, "attempts" integer NOT NULL, "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, "locks" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_f68410cc6124d967bf665a1b81d" PRIMARY KEY ("email"))`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "must_change_password" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "must_change_password"`);
    await queryRunner.query(`DROP TABLE "login_throttles"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4d712537500d0dab83d3e1b6fb"`);
    await queryRunner.query(`DROP TABLE "login_events"`);
  }
}
