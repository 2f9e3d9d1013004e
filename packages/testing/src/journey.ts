import { randomUUID } from 'node:crypto';
import { SealedBox, CLIENT_LINK_SEAL_CONTEXT } from '@otus/common';
import { EngineApi } from './engine-api';
import { ApiClient } from './http-client';
import { stackEnv } from './stack-env';
import { staffToken } from './tokens';
import { waitFor } from './wait-for';

/** The steps a user takes, as helpers: an administrator's course, a CRM's application, a client's link session. */
const env = () => stackEnv();
const engine = () => new EngineApi(env().CAMUNDA_REST_URL);
const DAY = 86_400_000;

export async function admin(): Promise<ApiClient> {
  return new ApiClient(env().GATEWAY_URL, await staffToken());
}

export async function openCourse(overrides: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
  const { status, body } = await (
    await admin()
  ).post('/api/course/courses', {
    code: `K-${randomUUID().slice(0, 8)}`,
    title: 'Node.js Developer',
    startDate: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
    enrolmentDeadline: new Date(Date.now() + 20 * DAY).toISOString(),
    priceKopecks: 9_900_000,
    capacity: 10,
    status: 'open',
    ...overrides,
  });
  if (status !== 201) throw new Error(`course: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** A CRM with its own API key, calling through the gateway. */
export async function crm(): Promise<ApiClient & { clientId: string }> {
  const { body } = await (await admin()).post('/api/user/api-clients', { name: `CRM ${randomUUID().slice(0, 6)}` });
  return Object.assign(new ApiClient(`${env().GATEWAY_URL}/api/contract`).withHeaders({ 'x-api-key': body.apiKey }), {
    clientId: body.id as string,
  });
}

export function application(courseCode: string, overrides: Record<string, unknown> = {}) {
  return {
    crmApplicationId: `crm-${randomUUID()}`,
    courseCode,
    clientName: 'Иван Петров',
    clientEmail: `client-${randomUUID().slice(0, 8)}@example.test`,
    clientPhone: '+79991234567',
    ...overrides,
  };
}

export const validForm = (overrides: Record<string, unknown> = {}) => ({
  fullName: 'Петров Иван Сергеевич',
  birthDate: '1990-05-17',
  passportSeries: '4510',
  passportNumber: '987654',
  passportIssuedBy: 'ГУ МВД России по г. Москве',
  passportIssueDate: '2015-06-01',
  address: 'г. Москва, ул. Тверская, д. 1, кв. 1',
  phone: '+7 999 123-45-67',
  consent: true,
  ...overrides,
});

export async function processOf(applicationId: string): Promise<string> {
  return waitFor(`the process of ${applicationId}`, async () => {
    const [instance] = await engine().request<{ id: string }[]>(
      'GET',
      `/history/process-instance?processInstanceBusinessKey=${applicationId}`,
    );
    return instance?.id;
  });
}

/** The link token as the e-mail carries it: opened from the process variable the way the notification service does. */
export async function linkToken(applicationId: string): Promise<string> {
  const processInstanceId = await processOf(applicationId);
  // Two worker steps (course check, link issue); a loaded CI machine once took over 20 s.
  const ref = await waitFor(
    'the client link',
    async () => (await engine().variables(processInstanceId)).clientLinkRef as string,
    { timeoutMs: 60_000 },
  );
  return new SealedBox(env().CLIENT_LINK_SEAL_KEYS).open(ref, CLIENT_LINK_SEAL_CONTEXT).toString();
}

/**
 * What the client's browser holds after opening the link: the session cookie, scoped to its
 * application. `via: 'service'` sends its requests to the contract service itself, past the
 * gateway's per-address rate limits, for tests of many requests at once.
 */
export async function clientSession(
  applicationId: string,
  { via = 'gateway' }: { via?: 'gateway' | 'service' } = {},
): Promise<ApiClient> {
  const exchange = await new ApiClient(env().GATEWAY_URL).post('/api/user/client-links/exchange', {
    token: await linkToken(applicationId),
  });
  if (exchange.status !== 200) throw new Error(`exchange: ${exchange.status} ${JSON.stringify(exchange.body)}`);
  const cookie = exchange.headers.get('set-cookie')!.split(';')[0];
  const base = via === 'gateway' ? env().GATEWAY_URL : `http://${env().STACK_HOST}:${env().CONTRACT_PORT}`;
  return new ApiClient(`${base}/client/api/applications/${applicationId}`)
    .withHeaders({ cookie })
    .from(loopbackAddress());
}

/**
 * A loopback address of a simulated client's own (127.2–126.x.y): the gateway limits signing
 * codes per address, and real clients do not share one.
 */
export function loopbackAddress(): string {
  const byte = (from: number, to: number) => from + Math.floor(Math.random() * (to - from + 1));
  return `127.${byte(2, 126)}.${byte(0, 255)}.${byte(2, 254)}`;
}
