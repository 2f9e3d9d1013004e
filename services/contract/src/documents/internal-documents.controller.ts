import { Body, Controller, Get, Param, Post, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal } from '@otus/common';
import { IsString, Length } from 'class-validator';
import { DocumentsService } from './documents.service';
import { DownloadLinks } from './download-links.service';

/** Whose contract the event says it is: a document of another application is refused (404). */
class DownloadLinkRequest {
  @IsString()
  @Length(1, 128)
  applicationId!: string;
}

/** For the notification service: the signed contract it attaches to the e-mail, and a URL for the CRM's webhook. */
@ApiExcludeController()
@Internal()
@Controller('internal/documents')
export class InternalDocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly downloadLinks: DownloadLinks,
  ) {}

  @Get(':id')
  async get(@Param('id') id: string): Promise<StreamableFile> {
    const document = await this.documents.byId(id);
    return new StreamableFile(this.documents.open(document), { type: 'application/pdf' });
  }

  /** A short-lived token for `GET /public/documents/{token}`: the webhook carries the URL, not the file. */
  @Post(':id/download-links')
  async downloadLink(
    @Param('id') id: string,
    @Body() body: DownloadLinkRequest,
  ): Promise<{ token: string; expiresAt: string }> {
    const { token, expiresAt } = await this.downloadLinks.issue(id, body.applicationId);
    return { token, expiresAt: expiresAt.toISOString() };
  }
}
