import {
  type ApiClient,
  application,
  clientSession,
  craftedToken,
  crm,
  loopbackAddress,
  openCourse,
  stackEnv,
  validForm,
} from '@otus/testing';

const env = stackEnv();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * A link session reaches its own application and nothing else, on every client route: the JSON
 * API's and the pages', through the gateway, the way a curious client or an attacker holding
 * one real session would try. Another application's id is the same 404 an unknown one gets.
 */
let a: { id: string; api: ApiClient };
let b: { id: string; api: ApiClient };

beforeAll(async () => {
  const course = await openCourse({ priceKopecks: 4_200_000 });
  const amo = await crm();
  const open = async () => {
    const { body } = await amo.post('/applications', application(course.code));
    return { id: body.applicationId as string, api: await clientSession(body.applicationId) };
  };
  [a, b] = await Promise.all([open(), open()]);
});

/**
 * A's session, on the API and the pages of the application `id`; each from an address of its
 * own, so that the gateway's limit on code routes (per address) answers none of these calls.
 */
const apiOf = (id: string) => a.api.at(`${env.GATEWAY_URL}/client/api/applications/${id}`).from(loopbackAddress());
const pagesOf = (id: string) => a.api.at(`${env.GATEWAY_URL}/client/${id}`).from(loopbackAddress());

/** Every client route, as [what, call]; each with a body its route accepts. */
function routes(id: string): [string, () => Promise<{ status: number; body: unknown }>][] {
  const api = apiOf(id);
  const pages = pagesOf(id);
  const form = (body: Record<string, string>) => new URLSearchParams(body).toString();
  return [
    ['API view', () => api.get('')],
    ['API form', () => api.post('/form', validForm())],
    ['API signing code', () => api.post('/signing-code')],
    ['API signature', () => api.post('/signature', { signingCode: '123456' })],
    ['API decline', () => api.post('/decline', { reason: 'Передумал' })],
    ['API draft', () => pdf(api, '/documents/draft')],
    ['API signed', () => pdf(api, '/documents/signed')],
    ['page', () => pages.get('')],
    ['page form', () => pages.request('POST', '/form', form({ ...validForm(), consent: 'yes' }), FORM)],
    ['page signing code', () => pages.request('POST', '/signing-code', '', FORM)],
    ['page signature', () => pages.request('POST', '/signature', form({ signingCode: '123456' }), FORM)],
    ['page decline step', () => pages.get('/decline')],
    ['page decline', () => pages.request('POST', '/decline', form({ reason: 'Передумал' }), FORM)],
  ];
}

/** A document route answers a PDF, or a refusal in JSON. */
async function pdf(api: ApiClient, path: string) {
  const { status, bytes } = await api.download(path);
  const text = bytes.toString();
  return { status, body: text.startsWith('{') ? (JSON.parse(text) as unknown) : text };
}

const answer = async (call: () => Promise<{ status: number; body: unknown }>) => {
  const { status, body } = await call();
  const code = (body as { code?: unknown } | null)?.code;
  const page = typeof body === 'string' && body.includes('Страница не найдена') ? 'not-found page' : undefined;
  return [status, typeof code === 'string' ? code : page];
};

describe('another application’s id, with a real session', () => {
  it('is 404 on every route, API and pages, and changes nothing there', async () => {
    for (const [what, call] of routes(b.id)) {
      const expected = what.startsWith('API') ? 'APPLICATION_NOT_FOUND' : 'not-found page';
      expect([what, ...(await answer(call))]).toEqual([what, 404, expected]);
    }
    // B's form is still open: A's posts did nothing to it.
    expect((await b.api.get('')).body.state).toBe('FORM');
  });

  it.each([
    ['in capitals', () => a.id.toUpperCase()],
    ['with a trailing space', () => `${a.id}%20`],
    ['as a query operator', () => encodeURIComponent('{"$ne":null}')],
    ['with an encoded slash to another', () => `${a.id}%2F..%2F${b.id}`],
  ])('the own id %s is another id: 404 on every route', async (_, id) => {
    for (const [what, call] of routes(id())) {
      expect([what, (await call()).status]).toEqual([what, 404]);
    }
  });

  it('the own id with a NUL never reaches the service: the gateway refuses it (400)', async () => {
    for (const [what, call] of routes(`${a.id}%00`)) {
      expect([what, ...(await answer(call))]).toEqual([what, 400, 'BAD_REQUEST']);
    }
  });

  it('a cross-site form is refused before the id is looked at (403), as before', async () => {
    const crossSite = { ...FORM, 'sec-fetch-site': 'cross-site' };
    const form = new URLSearchParams({ ...validForm(), consent: 'yes' }).toString();
    for (const id of [b.id, a.id]) {
      const { status, body } = await pagesOf(id).request('POST', '/form', form, crossSite);
      expect([id, status, String(body).includes('Запрос отклонён')]).toEqual([id, 403, true]);
    }
  });
});

describe('the own application', () => {
  it('is reached on the API and the page', async () => {
    expect((await apiOf(a.id).get('')).status).toBe(200);
    expect((await pagesOf(a.id).get('')).status).toBe(200);
  });

  it('is 401 without a session, with an expired one, or with one signed by another key', async () => {
    const session = (token: string) => ({ cookie: `otus_client=${token}` });
    const audience = `${env.AUTH_AUDIENCE ?? 'otus-contract'}-client`;
    const expired = await craftedToken({ subject: a.id, audience, expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const forged = await craftedToken({ subject: a.id, audience, forged: true });
    // A staff token is not a link session either.
    const staff = await craftedToken({ subject: a.id });
    for (const headers of [{ cookie: '' }, session(expired), session(forged), session(staff)]) {
      const api = await apiOf(a.id).request('GET', '', undefined, headers);
      expect([api.status, api.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      const page = await pagesOf(a.id).request('GET', '', undefined, headers);
      expect([page.status, String(page.body).includes('Откройте ссылку из письма ещё раз')]).toEqual([401, true]);
    }
    // The same token, unexpired and signed with the real key, is a session: the refusals above were the token's.
    const valid = await craftedToken({ subject: a.id, audience });
    expect((await apiOf(a.id).request('GET', '', undefined, session(valid))).status).toBe(200);
  });
});
