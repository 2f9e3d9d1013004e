import { MigrationInterface, QueryRunner } from 'typeorm';

/** The masked holder of a link, shown on the link page before a session is opened or replaced. */
export class ClientLinkHolder1796169600000 implements MigrationInterface {
  name = 'ClientLinkHolder1796169600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "client_links" ADD "holder_name" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "client_links" ADD "holder_email" character varying(254)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "client_links" DROP COLUMN "holder_email"`);
    await queryRunner.query(`ALTER TABLE "client_links" DROP COLUMN "holder_name"`);
  }
}
