import { Module } from '@nestjs/common';
import { ClientLinksModule } from '../client-links/client-links.module';
import { IssueClientLinkHandler } from './issue-client-link.handler';

@Module({ imports: [ClientLinksModule], providers: [IssueClientLinkHandler] })
export class UserWorkerModule {}
