import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DomainError, type Page, toPage } from '@otus/common';
import { containsPattern, isUniqueViolation, isForeignKeyViolation } from '@otus/common/postgres';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { CampaignService } from '../campaigns/campaign.service';
import { RedemptionService } from '../redemptions/redemption.service';
import { generateUnique, normalizeCode, randomCode } from './code-format';
import type {
  CreatePromoCodeDto,
  GeneratePromoCodesDto,
  ListPromoCodesQuery,
  PromoCodeResponse,
  UpdatePromoCodeDto,
} from './dto/promo-code.dto';
import { PromoCode } from './promo-code.entity';
import { promoErrors } from '../promo-errors';

@Injectable()
export class CodeService {
  constructor(
    @InjectRepository(PromoCode) private readonly codes: Repository<PromoCode>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly campaigns: CampaignService,
    private readonly redemptions: RedemptionService,
  ) {}

  async create(campaignId: string, dto: CreatePromoCodeDto): Promise<PromoCodeResponse> {
    await this.campaigns.find(campaignId);
    const code = normalizeCode(dto.code);
    try {
      const saved = await this.codes.save(this.codes.create({ campaignId, code, maxUses: dto.maxUses ?? null }));
      return this.get(saved.id);
    } catch (e) {
      if (isUniqueViolation(e)) throw codeTaken(code);
      throw e;
    }
  }

  /** `count` random codes, all new; all or none are stored. */
  async generate(campaignId: string, dto: GeneratePromoCodesDto): Promise<PromoCodeResponse[]> {
    await this.campaigns.find(campaignId);
    // Absent means single-use, the usual reason to generate codes; null means unlimited.
    const maxUses = dto.maxUses === undefined ? 1 : dto.maxUses;
    const ids = await this.db.transaction(async (em) => {
      const stored = await generateUnique(
        dto.count,
        () => randomCode(dto.length, dto.prefix),
        (codes) => insertNew(em, campaignId, codes, maxUses),
      );
      if (stored.length < dto.count) {
        throw promoErrors.PROMO_CODE_SPACE_CROWDED(
          `Could not find ${dto.count} unused codes; use a longer length or another prefix`,
        );
      }
      return stored;
    });
    const codes = await this.codes.find({ where: { id: In(ids) }, order: { code: 'ASC' } });
    return this.respond(codes);
  }

  async list(campaignId: string, query: ListPromoCodesQuery): Promise<Page<PromoCodeResponse>> {
    await this.campaigns.find(campaignId);
    const qb = this.codes
      .createQueryBuilder('p')
      .where('p.campaignId = :campaignId', { campaignId })
      .orderBy('p.createdAt', 'ASC')
      .addOrderBy('p.code', 'ASC');
    if (query.q) qb.andWhere('p.code ILIKE :like', { like: containsPattern(query.q) });
    const [items, total] = await qb.skip(query.skip).take(query.pageSize).getManyAndCount();
    return toPage(await this.respond(items), total, query);
  }

  async get(id: string): Promise<PromoCodeResponse> {
    const [response] = await this.respond([await this.find(id)]);
    return response;
  }

  async update(id: string, dto: UpdatePromoCodeDto): Promise<PromoCodeResponse> {
    const code = await this.find(id);
    if (dto.code !== undefined) code.code = normalizeCode(dto.code);
    if (dto.maxUses !== undefined) code.maxUses = dto.maxUses;
    try {
      await this.codes.save(code);
    } catch (e) {
      if (isUniqueViolation(e)) throw codeTaken(code.code);
      throw e;
    }
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    try {
      await this.codes.delete(id);
    } catch (e) {
      if (isForeignKeyViolation(e)) {
        throw promoErrors.PROMO_CODE_HAS_REDEMPTIONS('Applications used this code; it cannot be deleted');
      }
      throw e;
    }
  }

  private async find(id: string): Promise<PromoCode> {
    const code = await this.codes.findOneBy({ id });
    if (!code) throw promoErrors.PROMO_CODE_NOT_FOUND(`No promo code ${id}`);
    return code;
  }

  private async respond(codes: PromoCode[]): Promise<PromoCodeResponse[]> {
    const counts = await this.redemptions.counts(
      'code',
      codes.map((c) => c.id),
    );
    return codes.map((c) => ({
      id: c.id,
      campaignId: c.campaignId,
      code: c.code,
      maxUses: c.maxUses,
      reservedUses: counts.get(c.id)!.reserved,
      redeemedUses: counts.get(c.id)!.redeemed,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    }));
  }
}

/** Inserts the codes nobody has yet; the unique index, not a prior SELECT, decides. Returns the new ids. */
async function insertNew(em: EntityManager, campaignId: string, codes: string[], maxUses: number | null) {
  const rows: { id: string }[] = await em.query(
    `INSERT INTO promo_codes (campaign_id, code, max_uses) SELECT $1, unnest($2::text[]), $3
       ON CONFLICT (code) DO NOTHING RETURNING id`,
    [campaignId, codes, maxUses],
  );
  return rows.map((r) => r.id);
}

function codeTaken(code: string): DomainError {
  return promoErrors.PROMO_CODE_TAKEN(`The promo code ${code} already exists`);
}
