import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { DocumentsModule } from '../documents/documents.module';
import { PdfSealer } from '../documents/seal/pdf-sealer';
import { SealModule } from '../documents/seal/seal.module';
import { PagesModule } from '../pages/pages.module';
import { PdfBodyMiddleware } from './pdf-body.middleware';
import { SealVerifier } from './seal-verifier';
import { VerificationController } from './verification.controller';
import { VerificationService } from './verification.service';
import { VerifyPageController } from './verify-page.controller';

/**
 * The public check of contracts: the JSON API (`/public/verifications`) and the page (`/verify`).
 * Needs PagesModule to export PageRenderer and PagesExceptionFilter, and SealModule's certificate.
 */
@Module({
  imports: [DocumentsModule, ApplicationsModule, PagesModule, SealModule],
  controllers: [VerificationController, VerifyPageController],
  providers: [
    VerificationService,
    // The certificate PdfSealer already read from CONTRACT_SEAL_P12_FILE (one SealModule, one read).
    {
      provide: SealVerifier,
      inject: [PdfSealer],
      useFactory: (sealer: PdfSealer) => new SealVerifier(sealer.certificate),
    },
  ],
})
export class VerificationModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PdfBodyMiddleware).forRoutes({ path: 'public/verifications/pdf', method: RequestMethod.POST });
  }
}
