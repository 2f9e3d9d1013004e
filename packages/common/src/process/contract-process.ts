/**
 * The names the contract-conclusion process (bpmn/contract-conclusion.bpmn) and the services
 * share, defined once: its key, its external-task topics, its messages, and the context that
 * binds a sealed client link to its purpose. test/deploy/process-model.spec.ts checks that the
 * BPMN and the registered handlers use exactly these.
 */
export const CONTRACT_PROCESS_KEY = 'contract-conclusion';

/** External-task topics, one handler class per topic (`@TaskHandler(TOPICS.courseHoldSeat)`). */
export const TOPICS = {
  userIssueClientLink: 'user.issue-client-link',
  userExtendClientLink: 'user.extend-client-link',
  courseCheckAvailability: 'course.check-availability',
  courseHoldSeat: 'course.hold-seat',
  courseConfirmSeat: 'course.confirm-seat',
  courseReleaseSeat: 'course.release-seat',
  courseExtendHold: 'course.extend-hold',
  promoValidate: 'promo.validate',
  promoRedeem: 'promo.redeem',
  promoRelease: 'promo.release',
  contractGenerateDraft: 'contract.generate-draft',
  contractFinalize: 'contract.finalize',
  contractReassessCourse: 'contract.reassess-course',
  notificationEmail: 'notification.email',
  notificationCrmWebhook: 'notification.crm-webhook',
  notificationStaffNotice: 'notification.staff-notice',
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** Messages the contract service correlates when the client acts on the pages, or staff and the CRM steer an application. */
export const MESSAGES = {
  clientDataSubmitted: 'ClientDataSubmitted',
  contractSigned: 'ContractSigned',
  contractDeclined: 'ContractDeclined',
  signingLocked: 'SigningLocked',
  applicationCancelled: 'ApplicationCancelled',
  linkDeadlineChanged: 'LinkDeadlineChanged',
  signingDeadlineChanged: 'SigningDeadlineChanged',
  linkReissueRequested: 'LinkReissueRequested',
  /** The client opened a link that no longer opens and asks for one; `linkRenewal` says whether they get it themselves. */
  linkRenewalRequested: 'LinkRenewalRequested',
  clientDataCorrected: 'ClientDataCorrected',
  courseChanged: 'CourseChanged',
  /** The client opened their link for the first time: the CRM hears of it (`link.opened`); nothing waits for it. */
  linkOpened: 'LinkOpened',
} as const;
export type ProcessMessage = (typeof MESSAGES)[keyof typeof MESSAGES];

/** Error codes the model catches on error boundary events: a handler throws `new BpmnError(BPMN_ERRORS.noSeats, …)`. */
export const BPMN_ERRORS = {
  noSeats: 'NO_SEATS',
  /** The course closed, its enrolment deadline passed or it started; `unavailableReason` says which. */
  courseUnavailable: 'COURSE_UNAVAILABLE',
  invalidVariables: 'INVALID_VARIABLES',
} as const;
export type BpmnErrorCode = (typeof BPMN_ERRORS)[keyof typeof BPMN_ERRORS];

/**
 * Why a client declines, as the decline page offers it (in Russian): the contract service keeps the
 * choice, the CRM's `contract.declined` and the staff's notice carry it.
 */
export const DECLINE_REASONS = {
  PRICE: 'Дорого',
  SCHEDULE: 'Не подходят сроки или расписание',
  TERMS: 'Не устраивают условия договора',
  OTHER_SCHOOL: 'Выбрал(а) другой курс или школу',
  PERSONAL: 'Личные обстоятельства',
  OTHER: 'Другая причина',
} as const;
export type DeclineReasonCode = keyof typeof DECLINE_REASONS;

/** The sealed-box context of `clientLinkRef`: sealed by the user service, opened by notification. */
export const CLIENT_LINK_SEAL_CONTEXT = 'client-link';
