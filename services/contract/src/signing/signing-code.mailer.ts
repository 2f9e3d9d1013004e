import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InternalHttpClient } from '@otus/common';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';

export interface SigningCodeEmail {
  applicationId: string;
  messageId: string;
  to: string;
  signingCode: string;
  clientName: string;
  courseTitle: string;
  expiresAt: Date;
}

/** Sends the one-time code through the notification service, which logs and delivers every e-mail. */
@Injectable()
export class SigningCodeMailer {
  private readonly logger = new Logger(SigningCodeMailer.name);
  private readonly http: InternalHttpClient;

  constructor(config: ConfigService<ContractEnv, true>) {
    this.http = new InternalHttpClient({
      name: 'notification service',
      baseUrl: config.get('NOTIFICATION_INTERNAL_URL', { infer: true }),
      headers: { 'x-internal-token': config.get('INTERNAL_API_TOKEN', { infer: true }) ?? '' },
      timeoutMs: 15_000,
    });
  }

  async send({
    applicationId,
    messageId,
    to,
    signingCode,
    clientName,
    courseTitle,
    expiresAt,
  }: SigningCodeEmail): Promise<void> {
    try {
      await this.http.request({
        method: 'POST',
        path: '/internal/emails',
        body: {
          applicationId,
          messageId,
          to,
          template: 'signing-code',
          variables: { signingCode, clientName, courseTitle, expiresAt: expiresAt.toISOString() },
        },
      });
    } catch (e) {
      this.logger.warn({ applicationId, err: (e as Error).message }, 'the signing code e-mail was not sent');
      throw contractErrors.CODE_NOT_SENT('The code could not be sent just now; please try again in a minute');
    }
  }
}
