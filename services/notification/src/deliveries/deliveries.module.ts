import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Delivery } from './delivery.entity';
import { DeliveryLogService } from './delivery-log.service';
import { Message } from './message.entity';

/** The delivery log and the once-only guard, shared by the e-mail and webhook features. */
@Module({
  imports: [TypeOrmModule.forFeature([Message, Delivery])],
  providers: [DeliveryLogService],
  exports: [DeliveryLogService],
})
export class DeliveriesModule {}
