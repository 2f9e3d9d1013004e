import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApplicationsModule } from '../applications/applications.module';
import { DocumentsModule } from '../documents/documents.module';
import { PagesModule } from '../pages/pages.module';
import { PdfBodyMiddleware } from './pdf-body.middleware';
import { sealCertificate } from './seal-certificate';
import { SealVerifier } from './seal-verifier';
import { VerificationController } from './verification.controller';
import { VerificationService } from './verification.service';
import { VerifyPageController } from './verify-page.controller';

/**
 * The public check of contracts: the JSON API (`/public/verifications`) and the page (`/verify`).
 * Needs PagesModule to export PageRenderer and PagesExceptionFilter, and the CONTRACT_SEAL_* config.
 */
@Module({
  imports: [DocumentsModule, ApplicationsModule, PagesModule],
  controllers: [VerificationController, VerifyPageController],
  providers: [
    VerificationService,
    {
      provide: SealVerifier,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => new SealVerifier(sealCertificate(config)),
    },
  ],
})
export class VerificationModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PdfBodyMiddleware).forRoutes({ path: 'public/verifications/pdf', method: RequestMethod.POST });
  }
}
