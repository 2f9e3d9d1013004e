import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { ProcessMessenger } from './process-messenger';

@Module({ imports: [ApplicationsModule], providers: [ProcessMessenger], exports: [ProcessMessenger] })
export class ProcessModule {}
