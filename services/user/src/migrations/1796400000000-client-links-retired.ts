import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `client_links_retired`: the SHA-256 of every link token a newer link of its application
 * replaced, so a client who opens an old link can be told whose it was and ask for a new one.
 * Only hashes, as in `client_links`. Reverting drops the table (and with it those hashes).
 */
export class ClientLinksRetired1796400000000 implements MigrationInterface {
  name = 'ClientLinksRetired1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "client_links_retired" ("token_hash" character varying(64) NOT NULL, "application_id" character varying(64) NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_55503d1c87d8cebf8dc1257220d" PRIMARY KEY ("token_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_cc1bb4e498c8e40fe7d894d519" ON "client_links_retired" ("application_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "client_links_retired"`);
  }
}
