import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { RedemptionsModule } from '../redemptions/redemptions.module';
import { CodeService } from './code.service';
import { CodesController } from './codes.controller';
import { PromoCode } from './promo-code.entity';

@Module({
  imports: [TypeOrmModule.forFeature([PromoCode]), CampaignsModule, RedemptionsModule],
  controllers: [CodesController],
  providers: [CodeService],
})
export class CodesModule {}
