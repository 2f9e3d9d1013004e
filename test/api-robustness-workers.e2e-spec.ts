import { randomUUID } from 'node:crypto';
import { TOPICS } from '@otus/common';
import { EngineApi, oneTaskProcess, stackEnv, waitFor } from '@otus/testing';

/**
 * Every topic's worker, as the stack runs it, given a task whose process variables are missing
 * or of the wrong type: the task ends in a BPMN error INVALID_VARIABLES whose message names the
 * variable (or, where the model does not catch it, an incident saying so), never a hang and
 * never a silent complete. One small process per topic, deployed here; the stack's workers
 * subscribe to the real topics, so they pick these tasks up as they would the real ones.
 */
const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);
const id = () => randomUUID();

interface Case {
  topic: string;
  variables: Record<string, unknown>;
  /** The variable the message must name. */
  names: string;
}

const CASES: Case[] = [
  {
    topic: 'user.issue-client-link',
    variables: { applicationId: id(), linkDeadline: '2027-01-15T09:00:00Z' },
    names: 'signTtl',
  },
  {
    topic: 'user.extend-client-link',
    variables: { applicationId: id(), linkDeadline: 'tomorrow', signTtl: 'PT1H' },
    names: 'linkDeadline',
  },
  { topic: 'course.check-availability', variables: {}, names: 'courseCode' },
  {
    topic: 'course.hold-seat',
    variables: { applicationId: id(), courseCode: 'NODEJS-2027-01', signTtl: 'three days' },
    names: 'signTtl',
  },
  { topic: 'course.confirm-seat', variables: {}, names: 'applicationId' },
  { topic: 'course.release-seat', variables: { applicationId: 42 }, names: 'applicationId' },
  { topic: 'course.extend-hold', variables: { applicationId: id(), signDeadline: 'soon' }, names: 'signDeadline' },
  {
    topic: 'promo.validate',
    variables: {
      applicationId: id(),
      courseCode: 'NODEJS-2027-01',
      clientEmail: 'a@example.test',
      priceKopecks: '100',
    },
    names: 'priceKopecks',
  },
  { topic: 'promo.redeem', variables: { applicationId: '' }, names: 'applicationId' },
  { topic: 'promo.release', variables: {}, names: 'applicationId' },
  {
    topic: 'contract.generate-draft',
    variables: { ...terms(), courseTitle: undefined },
    names: 'courseTitle',
  },
  { topic: 'contract.finalize', variables: { ...terms(), finalPriceKopecks: -1 }, names: 'finalPriceKopecks' },
  {
    topic: 'contract.reassess-course',
    variables: {
      applicationId: id(),
      courseStatus: 'gone',
      courseEnrolmentDeadline: '2027-01-15T09:00:00Z',
      courseStartsAt: '2027-02-01T21:00:00Z',
    },
    names: 'courseStatus',
  },
  {
    topic: 'notification.email',
    variables: { emailTemplate: 'rejected', applicationId: id(), clientName: 'Иван', rejectReason: 'NO_SEATS' },
    names: 'clientEmail',
  },
  {
    topic: 'notification.crm-webhook',
    variables: { webhookEvent: 'application.rejected', applicationId: id(), courseCode: 'NODEJS-2027-01' },
    names: 'rejectReason',
  },
  { topic: 'notification.email', variables: { emailTemplate: 'no-such-template' }, names: 'emailTemplate' },
  {
    topic: 'notification.staff-notice',
    variables: { staffEvent: 'signed', applicationId: id() },
    names: 'staffEvent',
  },
];

function terms() {
  return {
    applicationId: id(),
    courseCode: 'NODEJS-2027-01',
    courseTitle: 'Node.js Developer',
    courseStartDate: '2027-02-01',
    priceKopecks: 100,
    discountKopecks: 0,
    finalPriceKopecks: 100,
  };
}

const processKey = (topic: string, caught: boolean) =>
  `invalid-variables-${topic.replace(/\./g, '-')}${caught ? '' : '-uncaught'}`;

/** start → the topic's external task → end; INVALID_VARIABLES caught into `errorMessage` (or not at all). */
const model = (topic: string, caught: boolean) =>
  oneTaskProcess({ key: processKey(topic, caught), topic, caught: caught ? { INVALID_VARIABLES: 'Invalid' } : {} });

beforeAll(async () => {
  const topics = [...new Set(CASES.map((c) => c.topic))];
  const files = Object.fromEntries([
    ...topics.map((t) => [`${processKey(t, true)}.bpmn`, model(t, true)]),
    ['invalid-variables-uncaught.bpmn', model('course.confirm-seat', false)],
  ]);
  await engine.deploy('invalid-variables-test', files);
});

describe('workers given missing or mistyped process variables', () => {
  it('covers every topic of the process', () => {
    expect([...new Set(CASES.map((c) => c.topic))].sort()).toEqual(Object.values(TOPICS).sort());
  });

  it.each(CASES)('$topic: a BPMN error INVALID_VARIABLES naming $names', async ({ topic, variables, names }) => {
    const defined = Object.fromEntries(Object.entries(variables).filter(([, v]) => v !== undefined));
    const { id: instanceId } = await engine.start(processKey(topic, true), randomUUID(), defined);
    const ended = await waitFor(
      `the ${topic} test process to end`,
      async () => {
        const activities = await engine.activities(instanceId);
        return activities.find((a) => a.activityType === 'noneEndEvent' && a.endTime)?.activityId;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(ended).toBe('Invalid');
    const { errorCode, errorMessage } = await engine.variables(instanceId);
    expect(errorCode).toBe('INVALID_VARIABLES');
    expect(errorMessage).toEqual(expect.stringContaining(names));
  });

  it('a model that does not catch INVALID_VARIABLES gets an incident that names the variable', async () => {
    const { id: instanceId } = await engine.start(processKey('course.confirm-seat', false), randomUUID(), {});
    const incident = await waitFor('the incident', async () => (await engine.incidents(instanceId))[0], {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    expect(incident.incidentMessage).toMatch(/INVALID_VARIABLES/);
    expect(incident.incidentMessage).toMatch(/applicationId/);
    const [task] = await engine.externalTasks(instanceId);
    expect(task).toMatchObject({ retries: 0, activityId: 'Work' });
    await engine.request('DELETE', `/process-instance/${instanceId}?skipCustomListeners=true`);
  });
});
