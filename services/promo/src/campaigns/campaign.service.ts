import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type Page, toPage, invalidFields } from '@otus/common';
import { containsPattern, isForeignKeyViolation } from '@otus/common/postgres';
import { DataSource, Repository } from 'typeorm';
import { RedemptionService } from '../redemptions/redemption.service';
import { Campaign, CampaignDiscountType } from './campaign.entity';
import type { CampaignResponse, CreateCampaignDto, ListCampaignsQuery, UpdateCampaignDto } from './dto/campaign.dto';
import { promoErrors } from '../promo-errors';

@Injectable()
export class CampaignService {
  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly redemptions: RedemptionService,
  ) {}

  async create(dto: CreateCampaignDto): Promise<CampaignResponse> {
    const campaign = this.campaigns.create({
      ...dto,
      startsAt: new Date(dto.startsAt),
      endsAt: dto.endsAt ? new Date(dto.endsAt) : null,
      courseCodes: unique(dto.courseCodes ?? []),
      maxUses: dto.maxUses ?? null,
      maxUsesPerEmail: dto.maxUsesPerEmail ?? null,
    });
    checkCampaign(campaign);
    return this.get((await this.campaigns.save(campaign)).id);
  }

  async list(query: ListCampaignsQuery): Promise<Page<CampaignResponse>> {
    const qb = this.campaigns.createQueryBuilder('c').orderBy('c.startsAt', 'DESC').addOrderBy('c.name', 'ASC');
    if (query.active !== undefined) qb.andWhere('c.active = :active', { active: query.active });
    if (query.q) qb.andWhere('c.name ILIKE :like', { like: containsPattern(query.q) });
    if (query.courseCode) {
      qb.andWhere(`(c.courseCodes = '{}' OR :courseCode = ANY(c.courseCodes))`, { courseCode: query.courseCode });
    }
    const [items, total] = await qb.skip(query.skip).take(query.pageSize).getManyAndCount();
    return toPage(await this.respond(items), total, query);
  }

  async get(id: string): Promise<CampaignResponse> {
    const [response] = await this.respond([await this.find(id)]);
    return response;
  }

  /** 404 PROMO_CAMPAIGN_NOT_FOUND unless the campaign exists. */
  async find(id: string): Promise<Campaign> {
    const campaign = await this.campaigns.findOneBy({ id });
    if (!campaign) throw promoErrors.PROMO_CAMPAIGN_NOT_FOUND(`No campaign ${id}`);
    return campaign;
  }

  async update(id: string, dto: UpdateCampaignDto): Promise<CampaignResponse> {
    await this.db.transaction(async (em) => {
      // Locked like a reservation, so a use is never counted against a half-changed campaign.
      const campaign = await em.findOne(Campaign, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!campaign) throw promoErrors.PROMO_CAMPAIGN_NOT_FOUND(`No campaign ${id}`);
      const { startsAt, endsAt, courseCodes, ...rest } = dto;
      Object.assign(campaign, rest);
      if (startsAt !== undefined) campaign.startsAt = new Date(startsAt);
      if (endsAt !== undefined) campaign.endsAt = endsAt === null ? null : new Date(endsAt);
      if (courseCodes !== undefined) campaign.courseCodes = unique(courseCodes);
      checkCampaign(campaign);
      await em.save(campaign);
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    try {
      await this.campaigns.delete(id);
    } catch (e) {
      // Redemptions reference the campaign and its codes: applications have used it.
      if (isForeignKeyViolation(e)) {
        throw promoErrors.PROMO_CAMPAIGN_HAS_REDEMPTIONS(
          'Applications used codes of this campaign; deactivate it instead',
        );
      }
      throw e;
    }
  }

  private async respond(campaigns: Campaign[]): Promise<CampaignResponse[]> {
    const counts = await this.redemptions.counts(
      'campaign',
      campaigns.map((c) => c.id),
    );
    return campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      startsAt: c.startsAt.toISOString(),
      endsAt: c.endsAt?.toISOString() ?? null,
      discountType: c.discountType,
      discountValue: c.discountValue,
      courseCodes: c.courseCodes,
      maxUses: c.maxUses,
      maxUsesPerEmail: c.maxUsesPerEmail,
      active: c.active,
      reservedUses: counts.get(c.id)!.reserved,
      redeemedUses: counts.get(c.id)!.redeemed,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    }));
  }
}

/** The rules that span fields, checked on the merged campaign, with a message per field like the pipe's. */
function checkCampaign(campaign: Campaign): void {
  const details: { field: string; errors: string[] }[] = [];
  if (campaign.endsAt && campaign.endsAt.getTime() <= campaign.startsAt.getTime()) {
    details.push({ field: 'endsAt', errors: ['endsAt must be after startsAt'] });
  }
  if (campaign.discountType === CampaignDiscountType.Percent && campaign.discountValue > 100) {
    details.push({
      field: 'discountValue',
      errors: ['discountValue must not be greater than 100 for a percent discount'],
    });
  }
  if (details.length > 0) {
    throw invalidFields(details);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
