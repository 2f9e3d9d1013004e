import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ClientModule } from '../client/client.module';
import { SigningModule } from '../signing/signing.module';
import { ClientPagesController } from './client-pages.controller';
import { ClientPagesService } from './client-pages.service';
import { LinkPageController } from './link-page.controller';
import { PageAssets } from './page-assets';
import { PageAssetsController } from './page-assets.controller';
import { PageTimeZone } from './page-format';
import { PageRenderer } from './page-renderer';
import { PagesExceptionFilter } from './pages-exception.filter';
import { PdfFrameMiddleware } from './pdf-frame.middleware';

/** The client's server-rendered pages: the link page, the one application page, their static files. */
@Module({
  imports: [ClientModule, SigningModule],
  controllers: [PageAssetsController, LinkPageController, ClientPagesController],
  providers: [PageAssets, PageRenderer, PageTimeZone, ClientPagesService, PagesExceptionFilter],
  exports: [PageAssets, PageRenderer],
})
export class PagesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // The API's document route (client-api.controller.ts) answers the frames of these pages.
    consumer
      .apply(PdfFrameMiddleware)
      .forRoutes({ path: 'client/api/applications/:applicationId/documents/:kind', method: RequestMethod.GET });
  }
}
