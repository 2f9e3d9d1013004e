import { application, crm, openCourse, waitFor } from '@otus/testing';
import { stack } from './helpers';
import { MINUTE } from '../support/journey-steps';

/**
 * A service's database going away is not the caller's fault nor a bug: through the gateway the
 * CRM gets 503 with Retry-After, never 500, and the same request succeeds once the database is
 * back — nobody restarts anything. MongoDB (the contract service's own data) and PostgreSQL (the
 * user service's, which checks the CRM's API key before any request passes the gateway).
 */
jest.setTimeout(5 * MINUTE);

let amo: Awaited<ReturnType<typeof crm>>;
let crmApplicationId: string;

beforeAll(async () => {
  amo = await crm();
  const course = await openCourse({ capacity: 5 });
  const dto = application(course.code);
  expect((await amo.post('/applications', dto)).status).toBe(201);
  crmApplicationId = dto.crmApplicationId;
});

afterAll(async () => {
  await stack('up', 'mongo');
  await stack('up', 'postgres');
});

/** Stops `component`, asks for the application's status three times at once, starts it again, and waits for a 200. */
async function expectBusyThenBack(component: 'mongo' | 'postgres', code: string) {
  await stack('down', component);
  try {
    const answers = await Promise.all([1, 2, 3].map(() => amo.get(`/applications/${crmApplicationId}`)));
    for (const { status, body, headers } of answers) {
      expect({ status, code: body.code, retryAfter: headers.get('retry-after') }).toEqual({
        status: 503,
        code,
        retryAfter: '2',
      });
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|27018|5433|Mongo|Query/);
    }
  } finally {
    await stack('up', component);
  }
  await waitFor(
    `the CRM's status request to work again after ${component} is back`,
    async () => (await amo.get(`/applications/${crmApplicationId}`)).status === 200,
    { timeoutMs: 2 * MINUTE, intervalMs: 1_000 },
  );
}

it('MongoDB down: the contract service answers 503 STORE_UNAVAILABLE with Retry-After, then recovers', async () => {
  await expectBusyThenBack('mongo', 'STORE_UNAVAILABLE');
});

it('PostgreSQL down: the API-key check cannot answer, the gateway says 503 with Retry-After, then recovers', async () => {
  await expectBusyThenBack('postgres', 'SERVICE_UNAVAILABLE');
});
