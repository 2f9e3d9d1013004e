import { randomUUID } from 'node:crypto';
import { type ApiClient, application, EngineApi, stackEnv } from '@otus/testing';
import { sleep } from './stats';

/** The link e-mail task's end is read from engine history (ms; MailDev's receive time has whole seconds only). */
const HISTORY_POLL_MS = 100;

async function until<T>(
  probe: () => Promise<T | undefined | null | false>,
  everyMs: number,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await sleep(everyMs);
  }
  throw new Error('journey step timed out');
}

/**
 * Only the first step, as the CRM sees it: POST the application, until the link e-mail task has
 * ended (engine history). Milliseconds from the POST, or the error.
 */
export async function linkStep(crm: ApiClient, courseCode: string): Promise<number | string> {
  const posted = Date.now();
  try {
    const response = await crm.post(
      '/applications',
      application(courseCode, { clientEmail: `bench-${randomUUID().slice(0, 12)}@example.test` }),
    );
    if (response.status !== 201) return `CRM post: ${response.status}`;
    return (await taskEndedAt(response.body.applicationId as string, 'Task_EmailLink')) - posted;
  } catch (e) {
    return `ERROR ${(e as Error).message}`;
  }
}

/**
 * When the task `activityId` of the application's process ended, in ms since the epoch: for an
 * e-mail, the SMTP server's acceptance plus the task's completion call; for the draft, the
 * moment the application turned DRAFT_READY plus the same call. The mail can reach MailDev a
 * moment before its task ends, so this waits for the end.
 */
async function taskEndedAt(applicationId: string, activityId: string): Promise<number> {
  const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);
  return until(async () => {
    const [instance] = await engine.request<{ id: string }[]>(
      'GET',
      `/history/process-instance?processInstanceBusinessKey=${applicationId}`,
    );
    const [activity] = await engine.request<{ endTime: string | null }[]>(
      'GET',
      `/history/activity-instance?processInstanceId=${instance.id}&activityId=${activityId}&finished=true`,
    );
    return activity?.endTime ? Date.parse(activity.endTime) : undefined;
  }, HISTORY_POLL_MS);
}
