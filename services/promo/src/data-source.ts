import { POSTGRES_DEFAULTS } from '@otus/common/postgres';
import { DataSource } from 'typeorm';
import { Campaign } from './campaigns/campaign.entity';
import { PromoCode } from './codes/promo-code.entity';
import { migrations } from './migrations';
import { Redemption } from './redemptions/redemption.entity';

export const entities = [Campaign, PromoCode, Redemption];

/**
 * For the TypeORM CLI and the migration test; the app wires the same entities through its modules.
 *   PROMO_DB_URL=… npx typeorm migration:generate -d services/promo/dist/data-source.js services/promo/src/migrations/<name>
 */
export default new DataSource({ ...POSTGRES_DEFAULTS, url: process.env.PROMO_DB_URL, entities, migrations });
