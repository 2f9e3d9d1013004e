import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { DocumentsModule } from '../documents/documents.module';
import { ProcessModule } from '../process/process.module';
import { SigningCode, SigningCodeSchema } from './signing-code.schema';
import { SigningCodeMailer } from './signing-code.mailer';
import { SigningService } from './signing.service';
import { SigningUnlockController } from './signing-unlock.controller';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: SigningCode.name, schema: SigningCodeSchema }]),
    ApplicationsModule,
    DocumentsModule,
    ProcessModule,
    AuditModule,
  ],
  controllers: [SigningUnlockController],
  providers: [SigningService, SigningCodeMailer],
  exports: [SigningService],
})
export class SigningModule {}
