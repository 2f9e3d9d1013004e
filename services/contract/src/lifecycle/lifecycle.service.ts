import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import {
  commonErrors,
  CONTRACT_PROCESS_KEY,
  ENGINE_CONFLICT_RETRY,
  EngineClient,
  maskEmail,
  MESSAGES,
  RetryLaterError,
  retrying,
  UpstreamError,
} from '@otus/common';
import type { Model } from 'mongoose';
import {
  Application,
  ApplicationStatus,
  type ApplicationDocument,
  type Cancellation,
} from '../applications/application.schema';
import { StepClaims } from '../applications/step-claims';
import { type Actor, AuditService } from '../audit/audit.service';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';
import type { LinkLookup } from './client-links.client';
import { signingReminders } from './signing-reminders';

/** The stages an application can still be cancelled in: nothing signed, nothing ended. */
const CANCELLABLE = [ApplicationStatus.Created, ApplicationStatus.DataSubmitted, ApplicationStatus.DraftReady];

/** Which running deadline a change moves, by the application's stage: the client fills the form, or signs. */
const DEADLINES = {
  [ApplicationStatus.Created]: {
    kind: 'link',
    variable: 'linkDeadline',
    message: MESSAGES.linkDeadlineChanged,
  },
  [ApplicationStatus.DraftReady]: {
    kind: 'signing',
    variable: 'signDeadline',
    message: MESSAGES.signingDeadlineChanged,
  },
} as const;
type Deadline = (typeof DEADLINES)[keyof typeof DEADLINES];

/** The calendar's bound and the deadlines, as course.check-availability and course.hold-seat wrote them. */
const CALENDAR = ['courseEnrolmentDeadline', 'courseStartsAt', 'linkDeadline', 'signDeadline'];

export interface CancelRequest {
  reasonCode: string;
  reasonText?: string | null;
}

export interface DeadlineChange {
  kind: 'link' | 'signing';
  from: string;
  to: string;
  change: 'extended' | 'shortened';
}

/** How a client's request for a new link went: a link is on its way to them, or the school decides. */
export interface LinkRenewal {
  result: 'reissued' | 'passed-on';
  /** Masked: where the link goes (`i***@example.org`). */
  sentTo: string;
}

/**
 * Longer than a change can take (a read and a correlation with its retries, each call bounded by the
 * engine client's 10 s timeout), so a live one is never taken over.
 */
const DEADLINE_CHANGE_STALE_MS = 120_000;

/**
 * Staff and the CRM steer a running application: cancel it, or give the client more time. Each
 * action is decided here (who, when, within the course's calendar), recorded in the audit chain,
 * and then carried out by the process as a BPMN message, so Cockpit shows it too.
 */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger(LifecycleService.name);
  private readonly reminderOffsets: number[];
  private readonly selfRenewals: number;
  private readonly renewalRequests: number;

  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly claims: StepClaims,
    private readonly engine: EngineClient,
    private readonly audit: AuditService,
    config: ConfigService<ContractEnv, true>,
  ) {
    this.reminderOffsets = config.get('CONTRACT_SIGNING_REMINDERS', { infer: true });
    this.selfRenewals = config.get('CONTRACT_LINK_SELF_RENEWALS', { infer: true });
    this.renewalRequests = config.get('CONTRACT_LINK_RENEWAL_REQUESTS', { infer: true });
  }

  /**
   * Ends the application before its signature: the process releases seat and promo, e-mails
   * the client and sends `application.cancelled`. It shares the signature's claim, so a
   * signature and a cancellation arriving together never both win. A repeat returns the same.
   */
  async cancel(
    application: ApplicationDocument,
    request: CancelRequest,
    by: Cancellation['by'],
    actor: Actor,
  ): Promise<ApplicationDocument> {
    if (application.cancellation) return application;
    refuseEnded(application);
    const cancellation: Cancellation = {
      reasonCode: request.reasonCode,
      reasonText: request.reasonText?.trim() || null,
      by,
      actor: actor.actor,
      at: new Date(),
    };
    const decided = () =>
      contractErrors.APPLICATION_CHANGED('A signature, a refusal or another cancellation came a moment before');
    const claimed = await this.claims
      .once(`${application._id}.signature-decision`, decided, async () => {
        // The process first: only a process that is still steerable (no ending under way) takes
        // it. Then this service's record, which the claim keeps a signature away from meanwhile.
        if (application.processInstanceId) await this.cancelProcess(application, cancellation);
        await this.applications.updateOne(
          { _id: application._id, status: { $in: CANCELLABLE } },
          {
            $set: {
              status: ApplicationStatus.Cancelled,
              cancellation,
              // Its process never started (the engine was down at intake): it ends here.
              ...(!application.processInstanceId && { outcome: 'CANCELLED', outcomeReason: cancellation.reasonCode }),
            },
          },
        );
        return true;
      })
      .catch(async (e: unknown) => {
        // Lost the race: to another cancellation (then the answer is the same), or to a signature.
        const now = (await this.applications.findById(application._id))!;
        if (now.cancellation) return false;
        refuseEnded(now);
        throw e;
      });
    if (!claimed) return (await this.applications.findById(application._id))!;
    await this.audit.record(application._id, 'application.cancelled', actor, {
      by,
      reasonCode: cancellation.reasonCode,
    });
    this.logger.log({ applicationId: application._id, by, reasonCode: cancellation.reasonCode }, 'cancelled');
    return (await this.applications.findById(application._id))!;
  }

  /**
   * Moves the running deadline (the form's, or the signature's) later, never past the course's
   * enrolment deadline or start. The process's timer is replaced, not doubled: the wait is left
   * and entered again with the new date, and the client is told.
   */
  async extend(application: ApplicationDocument, until: Date, actor: Actor): Promise<DeadlineChange> {
    return this.oneChangeAtATime(application._id, async () => {
      const { deadline, current, latest } = await this.runningDeadline(application);
      const outOfRange = (message: string) =>
        contractErrors.DEADLINE_OUT_OF_RANGE(message, {
          details: { current: current.toISOString(), latest: latest?.toISOString() ?? null },
        });
      if (until.getTime() <= Math.max(current.getTime(), Date.now())) {
        throw outOfRange('The new deadline must be later than the current one and in the future');
      }
      if (latest && until.getTime() > latest.getTime()) {
        throw outOfRange("The new deadline may not be after the course's enrolment deadline or start");
      }
      return this.move(application, deadline, current, until, 'extended', actor);
    });
  }

  /**
   * After the course's dates changed: a running deadline past the course's new enrolment
   * deadline or start is brought back to it, and the client told. Null when nothing had to move.
   */
  async bound(application: ApplicationDocument, latest: Date, actor: Actor): Promise<DeadlineChange | null> {
    const notYet = () =>
      new RetryLaterError('The application is between two waits: its deadline is bounded once it waits', 3_000);
    if (application.status === ApplicationStatus.DataSubmitted) throw notYet();
    try {
      return await this.oneChangeAtATime(application._id, async () => {
        const running = await this.runningDeadline(application);
        if (running.current.getTime() <= latest.getTime()) return null;
        return this.move(application, running.deadline, running.current, latest, 'shortened', actor);
      });
    } catch (e) {
      if (contractErrors.NOT_AWAITING_CLIENT.is(e) || contractErrors.APPLICATION_CHANGED.is(e)) throw notYet();
      if (contractErrors.APPLICATION_ENDED.is(e) || contractErrors.CONTRACT_SIGNED.is(e)) return null;
      throw e;
    }
  }

  /**
   * A new link for a client who lost theirs or let it lapse, while they can still act (the form
   * or the signature): the process issues a new token (the old one stops working at once) and
   * e-mails it to the CRM's address; the CRM gets `link.reissued`.
   */
  async reissueLink(application: ApplicationDocument, actor: Actor): Promise<void> {
    awaitedStage(application, 'The client has nothing to do at this stage: no link to reissue');
    await this.tellProcess(application, MESSAGES.linkReissueRequested, {});
    await this.audit.record(application._id, 'link.reissue-requested', actor);
  }

  /**
   * The client opened a link that no longer opens (a newer one replaced it, or it lapsed) and asks
   * for a new one. The first CONTRACT_LINK_SELF_RENEWALS requests get it at once by e-mail; later
   * ones go to the school as `link.renewal-requested`, at most CONTRACT_LINK_RENEWAL_REQUESTS. The
   * count is taken by claims, so parallel requests cannot take more; the process's gateway
   * (`linkRenewal`) shows in Cockpit which way each went.
   */
  async renewLink(application: ApplicationDocument, link: LinkLookup, actor: Actor): Promise<LinkRenewal> {
    awaitedStage(application, 'The application is not waiting for you just now; try again in a few seconds');
    const sentTo = maskEmail(application.clientEmail);
    // An old e-mail (forwarded, or read by someone else) must not replace the link the client is
    // using, nor spend their renewals: once a newer link has been opened, its holder is sent to it.
    if (link.state === 'replaced' && link.newerLinkInUse) {
      throw contractErrors.LINK_REPLACED('A newer link was sent: open the latest e-mail from the school', {
        details: { sentTo },
      });
    }
    const via = link.state;
    const id = application._id;
    const self = this.selfRenewals ? await this.claims.claimNext(`${id}.link-renewal.self`, this.selfRenewals) : null;
    const asked =
      self === null && this.renewalRequests
        ? await this.claims.claimNext(`${id}.link-renewal.school`, this.renewalRequests)
        : null;
    if (self === null && asked === null) {
      throw contractErrors.LINK_RENEWAL_LIMIT_REACHED(
        'A new link has been asked for as many times as allowed; the school will contact you',
      );
    }
    const counter = self !== null ? `${id}.link-renewal.self` : `${id}.link-renewal.school`;
    const linkRenewal = self !== null ? 'reissue' : 'ask-school';
    try {
      await this.askForRenewal(application, linkRenewal);
    } catch (e) {
      await this.claims.giveBack(counter);
      throw e;
    }
    await this.audit.record(id, 'link.renewal-requested', actor, { via, renewal: linkRenewal });
    return { result: self !== null ? 'reissued' : 'passed-on', sentTo };
  }

  /**
   * Correlates LinkRenewalRequested. An instance started on a model version before it (waiting for
   * the client, yet not catching it) gets the older LinkReissueRequested for its one renewal by
   * e-mail; such a model has no way to pass a request to the school, so the client is told to ask.
   */
  private async askForRenewal(application: ApplicationDocument, linkRenewal: 'reissue' | 'ask-school'): Promise<void> {
    try {
      await this.tellProcess(application, MESSAGES.linkRenewalRequested, { linkRenewal });
      return;
    } catch (e) {
      if (!contractErrors.NOT_AWAITING_CLIENT.is(e)) throw e;
      // Asked of the instance's own model, not guessed from where it waits: a current-version
      // instance between two steps catches neither message and keeps the "try again" answer.
      const pid = application.processInstanceId!;
      const olderModel =
        !(await this.engine.catchesMessage(pid, MESSAGES.linkRenewalRequested)) &&
        (await this.engine.catchesMessage(pid, MESSAGES.linkReissueRequested));
      if (!olderModel) throw e;
    }
    if (linkRenewal === 'ask-school') {
      throw contractErrors.LINK_RENEWAL_LIMIT_REACHED(
        'A new link for this application can only come from the school now: please contact it',
      );
    }
    await this.tellProcess(application, MESSAGES.linkReissueRequested, {});
  }

  private async runningDeadline(application: ApplicationDocument) {
    const deadline = awaitedStage(
      application,
      'No deadline runs at this stage: the form or the signature must be awaited',
    );
    const vars = await this.engine.variables(application.processInstanceId!, CALENDAR);
    const current = instant(vars[deadline.variable]);
    if (!current) throw contractErrors.NOT_AWAITING_CLIENT('This application has no deadline to move');
    const bounds = [instant(vars.courseEnrolmentDeadline), instant(vars.courseStartsAt)].filter(
      (d): d is Date => d !== null,
    );
    const latest = bounds.length ? new Date(Math.min(...bounds.map((d) => d.getTime()))) : null;
    return { deadline, current, latest };
  }

  private async move(
    application: ApplicationDocument,
    deadline: Deadline,
    current: Date,
    until: Date,
    change: DeadlineChange['change'],
    actor: Actor,
  ): Promise<DeadlineChange> {
    const to = until.toISOString();
    const variables: Record<string, unknown> = { [deadline.variable]: to, deadlineChange: change };
    // The pages and the link e-mails show linkExpiresAt: it follows the form's deadline.
    if (deadline.kind === 'link') variables.linkExpiresAt = to;
    // The reminders before the signature follow its deadline, counted afresh.
    if (deadline.kind === 'signing') Object.assign(variables, signingReminders(until, this.reminderOffsets));
    await this.tellProcess(application, deadline.message, variables);
    const moved: DeadlineChange = { kind: deadline.kind, from: current.toISOString(), to, change };
    await this.audit.record(application._id, 'deadline.changed', actor, { ...moved });
    return moved;
  }

  /**
   * Two changes of an application's deadline at the same time: one goes, the other is told it came
   * second. The claim covers reading the deadline, judging the change and carrying it out, so no
   * change is judged against a deadline another is moving (an extension read before a longer one
   * landed would shorten it). One left by a request that died lapses after DEADLINE_CHANGE_STALE_MS.
   */
  private async oneChangeAtATime<T>(applicationId: string, change: () => Promise<T>): Promise<T> {
    return this.claims.holding(
      `${applicationId}.deadline-change`,
      DEADLINE_CHANGE_STALE_MS,
      () => contractErrors.APPLICATION_CHANGED('The deadline is being changed just now; look again'),
      change,
    );
  }

  /**
   * Tells the process it is cancelled. "Not waiting" after an earlier attempt whose answer was
   * lost means that attempt took: the process carries its reason already.
   */
  private async cancelProcess(application: ApplicationDocument, cancellation: Cancellation): Promise<void> {
    const variables = {
      cancelReasonCode: cancellation.reasonCode,
      cancelReasonText: cancellation.reasonText,
      cancelledBy: cancellation.by,
    };
    try {
      await this.tellProcess(application, MESSAGES.applicationCancelled, variables);
    } catch (e) {
      if (!contractErrors.APPLICATION_ENDED.is(e)) throw e;
      const { cancelReasonCode } = await this.engine.variables(application.processInstanceId!, ['cancelReasonCode']);
      if (typeof cancelReasonCode !== 'string') throw e;
    }
  }

  /**
   * Correlates an action to a process that is still steerable (`closing` false: no ending under
   * way). Not taken: the process ended or is ending (409 APPLICATION_ENDED), or it is between two
   * waits (409 NOT_AWAITING_CLIENT, try again in a moment).
   */
  private async tellProcess(
    application: ApplicationDocument,
    message: string,
    variables: Record<string, unknown>,
  ): Promise<void> {
    const steerable = { closing: false };
    // Only the engine's 5xx answers are tried again: it rolled the correlation back (optimistic
    // locking). A timeout is ENGINE_UNAVAILABLE before it gets here and is never repeated, since
    // the message may have been taken (one request, one e-mail).
    const result = await retrying(() => this.engine.correlate(message, application._id, variables, steerable), {
      ...ENGINE_CONFLICT_RETRY,
      retryIf: (e) => e instanceof UpstreamError && (e.status ?? 500) >= 500,
    }).catch((e: unknown) => {
      if (e instanceof UpstreamError) {
        throw commonErrors.ENGINE_UNAVAILABLE('The process engine did not take the action; try again shortly');
      }
      throw e;
    });
    if (result === 'correlated') return;
    const process = await this.engine.findByBusinessKey(CONTRACT_PROCESS_KEY, application._id);
    const closing = process?.state === 'ACTIVE' && (await this.engine.variables(process.id, ['closing'])).closing;
    if (process?.state === 'ACTIVE' && closing === false) {
      throw contractErrors.NOT_AWAITING_CLIENT('The application is between two steps; try again in a few seconds');
    }
    throw contractErrors.APPLICATION_ENDED('The application ended or is ending; nothing was changed');
  }
}

/** A signed or ended application is past steering; terminating a concluded contract is a different legal act. */
function refuseEnded(application: ApplicationDocument): void {
  if (
    application.outcome === 'CONCLUDED' ||
    application.status === ApplicationStatus.Signed ||
    application.status === ApplicationStatus.Concluded
  ) {
    throw contractErrors.CONTRACT_SIGNED(
      'The client has signed this contract; it cannot be cancelled or changed here (terminating a contract is a separate act)',
    );
  }
  if (application.outcome || application.status === ApplicationStatus.Declined) {
    throw contractErrors.APPLICATION_ENDED(`The application has already ended (${application.outcome ?? 'DECLINED'})`);
  }
}

/**
 * The stage the client acts in (the form, or the signature) and its deadline, for an application
 * whose process runs and that nobody cancelled; else 409 with `refusal`.
 */
function awaitedStage(application: ApplicationDocument, refusal: string): Deadline {
  refuseEnded(application);
  // Cancelled: its process is ending (or has ended) — not a moment to wait for.
  if (application.cancellation) throw contractErrors.APPLICATION_ENDED('The application was cancelled');
  const deadline = DEADLINES[application.status as keyof typeof DEADLINES];
  if (!deadline || !application.processInstanceId) {
    throw contractErrors.NOT_AWAITING_CLIENT(refusal);
  }
  return deadline;
}

function instant(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
