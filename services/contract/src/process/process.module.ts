import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ApplicationsModule } from '../applications/applications.module';
import { PendingMessage, PendingMessageSchema } from './pending-message.schema';
import { ProcessMessenger } from './process-messenger';

@Module({
  imports: [
    ApplicationsModule,
    MongooseModule.forFeature([{ name: PendingMessage.name, schema: PendingMessageSchema }]),
  ],
  providers: [ProcessMessenger],
  exports: [ProcessMessenger],
})
export class ProcessModule {}
