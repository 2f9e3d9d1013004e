import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RedemptionsModule } from '../redemptions/redemptions.module';
import { Campaign } from './campaign.entity';
import { CampaignService } from './campaign.service';
import { CampaignsController } from './campaigns.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign]), RedemptionsModule],
  controllers: [CampaignsController],
  providers: [CampaignService],
  exports: [CampaignService],
})
export class CampaignsModule {}
