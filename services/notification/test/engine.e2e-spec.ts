import { randomUUID } from 'node:crypto';
import { type INestApplication, Injectable } from '@nestjs/common';
import { type TaskContext, TaskHandler } from '@otus/common';
import { EngineApi, waitFor } from '@otus/testing';
import { DataSource } from 'typeorm';
import type { EmailTaskInput } from '../src/email/email-variables';
import { SendEmailHandler } from '../src/worker/send-email.handler';
import { createNotificationApp } from './support/app';
import { stack, useNotificationEnv } from './support/env';
import { mailsTo, uniqueAddress, waitForMails } from '@otus/testing';
import { TcpRelay } from './support/relay';

/**
 * notification.email driven by the real engine: small test processes, an in-process worker
 * whose SMTP goes through a TCP relay in front of MailDev that the test closes and reopens.
 *
 * The handler runs under test topics of its own: the stack's notification service also polls
 * `notification.email`, would take some of these tasks and send them straight to MailDev,
 * past the relay. Same handler class, same runner and retry policy, only another topic name.
 */
const EMAIL_TOPIC = 'test.notification.email';
const CRASH_TOPIC = 'test.notification.email-crash';
const EMAIL_PROCESS = 'notification-email-test';
const CRASH_PROCESS = 'notification-redelivery-test';

const serviceTask = (topic: string, template: string) => `
    <bpmn:serviceTask id="Email" camunda:type="external" camunda:topic="${topic}">
      <bpmn:extensionElements>
        <camunda:inputOutput><camunda:inputParameter name="emailTemplate">${template}</camunda:inputParameter></camunda:inputOutput>
      </bpmn:extensionElements>
    </bpmn:serviceTask>`;
const processXml = (id: string, topic: string, template: string) => `
  <bpmn:process id="${id}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="ToEmail" sourceRef="Start" targetRef="Email" />${serviceTask(topic, template)}
    <bpmn:sequenceFlow id="ToDone" sourceRef="Email" targetRef="Done" />
    <bpmn:endEvent id="Done" />
    <bpmn:boundaryEvent id="OnInvalid" attachedToRef="Email">
      <bpmn:errorEventDefinition errorRef="ErrInvalid" camunda:errorMessageVariable="errorMessage" />
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="ToInvalid" sourceRef="OnInvalid" targetRef="Invalid" />
    <bpmn:endEvent id="Invalid" />
  </bpmn:process>`;
const bpmn = (id: string, topic: string, template: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${id}" targetNamespace="https://otus.ru/test">
  <bpmn:error id="ErrInvalid" name="Invalid variables" errorCode="INVALID_VARIABLES" />${processXml(id, topic, template)}
</bpmn:definitions>`;

@Injectable()
@TaskHandler(EMAIL_TOPIC)
class TestTopicEmailHandler extends SendEmailHandler {}

/** Deliveries per process instance; the first one "crashes" after sending, before the task is completed. */
const deliveries = new Map<string, number>();

@Injectable()
@TaskHandler(CRASH_TOPIC)
class CrashAfterSendingHandler extends SendEmailHandler {
  override async handle(input: EmailTaskInput, task: TaskContext) {
    const output = await super.handle(input, task);
    const n = (deliveries.get(task.processInstanceId) ?? 0) + 1;
    deliveries.set(task.processInstanceId, n);
    if (n === 1) throw new Error('worker crashed after sending, before completing the task');
    return output;
  }
}

const engine = new EngineApi(stack.CAMUNDA_REST_URL);
const relay = new TcpRelay(stack.STACK_HOST, Number(stack.SMTP_PORT));
let app: INestApplication;
let db: DataSource;

beforeAll(async () => {
  await relay.open();
  useNotificationEnv({
    NOTIFICATION_SMTP_URL: `smtp://127.0.0.1:${relay.port}`,
    NOTIFICATION_SMTP_TIMEOUT_MS: '2000',
    WORKER_ENABLED: 'true',
  });
  await engine.deploy('notification-email-test', {
    [`${EMAIL_PROCESS}.bpmn`]: bpmn(EMAIL_PROCESS, EMAIL_TOPIC, 'declined'),
    [`${CRASH_PROCESS}.bpmn`]: bpmn(CRASH_PROCESS, CRASH_TOPIC, 'no-seats'),
  });
  app = await createNotificationApp({ handlers: false, providers: [TestTopicEmailHandler, CrashAfterSendingHandler] });
  db = app.get(DataSource);
});
afterAll(async () => {
  await app?.close();
  await relay.close();
});

async function start(processKey: string, overrides: Record<string, unknown> = {}) {
  const applicationId = randomUUID();
  const clientEmail = uniqueAddress('engine');
  const instance = await engine.start(processKey, applicationId, {
    applicationId,
    clientName: 'Мария Иванова',
    clientEmail,
    courseTitle: 'Java Developer',
    ...overrides,
  });
  return { id: instance.id, applicationId, clientEmail };
}

const endedAt = (id: string) =>
  waitFor(
    `process ${id} to end`,
    async () => {
      const end = (await engine.activities(id)).find((a) => a.activityType === 'noneEndEvent' && a.endTime);
      return end && { activityId: end.activityId, endTime: new Date(end.endTime!).getTime() };
    },
    { timeoutMs: 45_000, intervalMs: 200 },
  );

const attempts = (applicationId: string): Promise<{ status: string; created_at: Date; error: string | null }[]> =>
  db.query(
    `SELECT d.status, d.created_at, d.error FROM deliveries d JOIN messages m ON m.id = d.message_id
      WHERE m.application_id = $1 ORDER BY d.attempt`,
    [applicationId],
  );

describe('notification.email through the engine', () => {
  it('SMTP down, then up: the engine retries with back-off and the mail goes out once', async () => {
    await relay.close();
    const { id, applicationId, clientEmail } = await start(EMAIL_PROCESS);

    await waitFor('two failed attempts', async () => (await attempts(applicationId)).length >= 2, {
      timeoutMs: 30_000,
    });
    const [task] = await engine.externalTasks(id);
    expect(task.retries).toBeLessThan(10);
    expect(task.errorMessage).toMatch(/^e-mail declined not sent \(delivery .*, SMTP no reply\); retried later$/);
    expect(await mailsTo(clientEmail)).toEqual([]);

    const reopened = Date.now();
    await relay.open();
    const end = await endedAt(id);
    expect(end.activityId).toBe('Done');
    expect(end.endTime).toBeGreaterThanOrEqual(reopened);

    const mails = await waitForMails(clientEmail, 1, 1_000);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Вы отказались от договора на курс «Java Developer»');
    const log = await attempts(applicationId);
    expect(log.at(-1)!.status).toBe('sent');
    expect(log.at(-1)!.created_at.getTime()).toBeGreaterThanOrEqual(reopened);
    expect(log.slice(0, -1).every((a) => a.status === 'failed' && /ECONNECTION|ESOCKET/.test(a.error ?? ''))).toBe(
      true,
    );
    expect(await engine.incidents(id)).toEqual([]);
  });

  it('the same task delivered twice (crash after sending): one mail, and the process goes on', async () => {
    const { id, applicationId, clientEmail } = await start(CRASH_PROCESS);
    expect((await endedAt(id)).activityId).toBe('Done');
    expect(deliveries.get(id)).toBe(2);
    expect(await waitForMails(clientEmail, 1, 1_000)).toHaveLength(1);
    expect((await attempts(applicationId)).map((a) => a.status)).toEqual(['sent']);
  });

  it('missing variables end in INVALID_VARIABLES naming them, caught by the model', async () => {
    const { id } = await start(EMAIL_PROCESS, { clientEmail: undefined, courseTitle: 42 });
    expect((await endedAt(id)).activityId).toBe('Invalid');
    const { errorMessage } = await engine.variables(id);
    expect(errorMessage).toMatch(/clientEmail: .*; courseTitle: /);
  });
});
