import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createTransport, type SentMessageInfo, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { NotificationEnv } from '../config';

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface SmtpReply {
  /** The server's reply code, e.g. 250; null when the connection failed before one came. */
  code: number | null;
  response: string;
}

/** SMTP through nodemailer: one connection per message, so an outage is noticed (and over) per send. */
@Injectable()
export class MailerService implements OnModuleDestroy {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly from: string;

  constructor(config: ConfigService<NotificationEnv, true>) {
    const get = <K extends keyof NotificationEnv>(key: K) => config.get(key, { infer: true });
    const timeout = get('NOTIFICATION_SMTP_TIMEOUT_MS');
    const url = get('NOTIFICATION_SMTP_URL');
    const user = get('NOTIFICATION_SMTP_USER');
    const port = get('NOTIFICATION_SMTP_PORT');
    const options: SMTPTransport.Options = {
      ...(url
        ? { url }
        : {
            host: get('NOTIFICATION_SMTP_HOST'),
            port,
            secure: port === 465,
            auth: user ? { user, pass: get('NOTIFICATION_SMTP_PASSWORD') } : undefined,
          }),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: 3 * timeout,
    };
    this.transport = createTransport(options);
    this.from = get('NOTIFICATION_MAIL_FROM');
  }

  async send(mail: OutgoingMail): Promise<SmtpReply> {
    const info: SentMessageInfo = await this.transport.sendMail({ from: this.from, ...mail });
    const response = (info as { response?: string }).response ?? '';
    return { code: replyCode(response), response };
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}

/** "250 Message queued as …" → 250. */
export function replyCode(response: string | undefined): number | null {
  const match = /^(\d{3})\b/.exec(response ?? '');
  return match ? Number(match[1]) : null;
}
