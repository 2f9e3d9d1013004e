import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DomainError } from '@otus/common';
import type { ContractEnv } from '../config';

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
  private readonly url: string;
  private readonly token: string;

  constructor(config: ConfigService<ContractEnv, true>) {
    this.url = `${config.get('NOTIFICATION_INTERNAL_URL', { infer: true })}/internal/emails`;
    this.token = config.get('INTERNAL_API_TOKEN', { infer: true }) ?? '';
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
    let status: number;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-internal-token': this.token },
        body: JSON.stringify({
          applicationId,
          messageId,
          to,
          template: 'signing-code',
          variables: { signingCode, clientName, courseTitle, expiresAt: expiresAt.toISOString() },
        }),
        signal: AbortSignal.timeout(15_000),
      });
      status = response.status;
    } catch (e) {
      this.logger.warn({ applicationId, err: (e as Error).message }, 'notification service unreachable');
      status = 503;
    }
    if (status >= 300) {
      throw new DomainError('CODE_NOT_SENT', 'The code could not be sent just now; please try again in a minute', {
        status: 503,
      });
    }
  }
}
