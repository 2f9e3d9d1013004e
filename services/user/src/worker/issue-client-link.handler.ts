import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  isoDuration,
  SealedBox,
  TaskHandler,
  type TopicHandler,
  TOPICS,
  CLIENT_LINK_SEAL_CONTEXT,
  isoInstant,
} from '@otus/common';
import { z } from 'zod';
import { ClientLinkService } from '../client-links/client-link.service';
import type { UserEnv } from '../config';

const input = z
  .object({
    applicationId: z.string().min(1).max(64),
    /** The form deadline, already bounded by the course calendar (course.check-availability). */
    linkDeadline: isoInstant.nullish(),
    /** Instances of the model version before the calendar bounds have only the duration. */
    linkTtl: isoDuration.optional(),
    signTtl: isoDuration,
    /** Set once the draft is offered: a link reissued while the signature is awaited lasts until then. */
    signDeadline: isoInstant.nullish(),
    clientName: z.string().min(1).max(200),
    clientEmail: z.string().min(3).max(254),
  })
  .refine((v) => v.linkDeadline || v.linkTtl, { message: 'linkDeadline is required', path: ['linkDeadline'] });
type Input = z.infer<typeof input>;

/**
 * Issues the client's link. The raw token never enters the process: Camunda keeps variables
 * in its history and shows them in Cockpit, so the token travels sealed for the
 * notification service, which alone can open it to write the e-mail.
 */
@Injectable()
@TaskHandler(TOPICS.userIssueClientLink)
export class IssueClientLinkHandler implements TopicHandler<Input, { clientLinkRef: string; linkExpiresAt: string }> {
  readonly input = input;
  private readonly box: SealedBox;

  constructor(
    private readonly links: ClientLinkService,
    config: ConfigService<UserEnv, true>,
  ) {
    this.box = new SealedBox(config.get('CLIENT_LINK_SEAL_KEYS', { infer: true }));
  }

  async handle({ applicationId, linkTtl, signTtl, signDeadline, clientName, clientEmail, ...rest }: Input) {
    const linkDeadline = rest.linkDeadline ?? new Date(Date.now() + linkTtl!);
    const holder = { name: clientName, email: clientEmail };
    const lastDeadline = new Date(Math.max(linkDeadline.getTime() + signTtl, signDeadline?.getTime() ?? 0));
    const { token, formDeadline } = await this.links.issue(applicationId, linkDeadline, lastDeadline, holder);
    return { clientLinkRef: this.box.seal(token, CLIENT_LINK_SEAL_CONTEXT), linkExpiresAt: formDeadline.toISOString() };
  }
}
