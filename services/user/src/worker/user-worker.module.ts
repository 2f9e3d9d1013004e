import { Module } from '@nestjs/common';
import { ClientLinksModule } from '../client-links/client-links.module';
import { ExtendClientLinkHandler } from './extend-client-link.handler';
import { IssueClientLinkHandler } from './issue-client-link.handler';

@Module({ imports: [ClientLinksModule], providers: [IssueClientLinkHandler, ExtendClientLinkHandler] })
export class UserWorkerModule {}
