import { Injectable } from '@nestjs/common';
import { IncidentError, isoDuration, TaskHandler, type TopicHandler, TOPICS, isoInstant } from '@otus/common';
import { z } from 'zod';
import { ClientLinkService } from '../client-links/client-link.service';

const input = z.object({
  applicationId: z.string().min(1).max(64),
  /** The form deadline, as staff or the CRM last set it. */
  linkDeadline: isoInstant,
  signTtl: isoDuration,
  /** Set once signing has a deadline of its own (the draft is ready, or staff extended it). */
  signDeadline: isoInstant.nullish(),
});
type Input = z.infer<typeof input>;

/**
 * Runs after staff or the CRM extend the form or the signing deadline: the client's link keeps
 * working until the new last deadline (`signDeadline`, or `linkDeadline + signTtl` before
 * signing has one) and the cabinet period after it. It never ends earlier than it already
 * would. Writes no variable.
 */
@Injectable()
@TaskHandler(TOPICS.userExtendClientLink)
export class ExtendClientLinkHandler implements TopicHandler<Input, Record<string, never>> {
  readonly input = input;

  constructor(private readonly links: ClientLinkService) {}

  async handle({ applicationId, linkDeadline, signTtl, signDeadline }: Input) {
    const lastDeadline = signDeadline ?? new Date(linkDeadline.getTime() + signTtl);
    if (!(await this.links.extend(applicationId, lastDeadline))) {
      throw new IncidentError(
        `Application ${applicationId} has no client link to extend: user.issue-client-link has not issued one. ` +
          'Check in Cockpit whether the link was issued for this instance; retry once it exists.',
      );
    }
    return {};
  }
}
