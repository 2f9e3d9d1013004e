import { Controller, Get, Param, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal } from '@otus/common';
import { DocumentsService } from './documents.service';

/** For the notification service: the signed contract it attaches to the e-mail. */
@ApiExcludeController()
@Internal()
@Controller('internal/documents')
export class InternalDocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get(':id')
  async get(@Param('id') id: string): Promise<StreamableFile> {
    const document = await this.documents.byId(id);
    return new StreamableFile(this.documents.open(document), { type: 'application/pdf' });
  }
}
