import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  ApiClient,
  type ApiResponse,
  application,
  linkToken,
  loopbackAddress,
  openCourse,
  stackEnv,
  staffToken,
  validForm,
} from '@otus/testing';

/**
 * Bad requests through the gateway, the way a buggy CRM, a curious client or an attacker would
 * send them: each gets a clear 4xx in the one error body `{ code, message, details?, traceId }`,
 * never a 5xx, never a match it should not get, never a changed record. docs/api.md lists the codes.
 */
const env = stackEnv();

/**
 * Requests to the gateway sent exactly as written (fetch would resolve `../` first), from a
 * loopback address of their own: the gateway's per-address rate limits on signing codes and
 * logins this spec runs into are then not used up for the suites after it.
 */
class Gateway {
  constructor(
    private readonly base = '',
    private readonly headers: Record<string, string> = {},
    private readonly localAddress = '127.0.0.3',
  ) {}

  with(base: string, headers: Record<string, string> = {}): Gateway {
    return new Gateway(this.base + base, { ...this.headers, ...headers }, this.localAddress);
  }

  /** The same requests from another loopback address: the code limit (10 at once) counts per address. */
  from(localAddress: string): Gateway {
    return new Gateway(this.base, this.headers, localAddress);
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const url = new URL(env.GATEWAY_URL);
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((done, fail) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          localAddress: this.localAddress,
          method,
          path: this.base + path,
          headers: {
            ...(data === undefined ? {} : { 'content-type': 'application/json' }),
            ...this.headers,
            ...headers,
          },
          timeout: 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: the assertion shows the text
            }
            done({
              status: res.statusCode ?? 0,
              body: parsed,
              headers: new Headers(res.headers as Record<string, string>),
            });
          });
        },
      );
      req.on('error', fail);
      req.end(data);
    });
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body: unknown = {}) {
    return this.request('POST', path, body);
  }

  patch(path: string, body: unknown) {
    return this.request('PATCH', path, body);
  }

  delete(path: string) {
    return this.request('DELETE', path);
  }
}

const gateway = new Gateway();
let staff: Gateway;
let crmApi: Gateway;
let client: Gateway;
let applicationId: string;
let course: { id: string; code: string };

beforeAll(async () => {
  staff = gateway.with('', { authorization: `Bearer ${await staffToken()}` });
  const key = await staff.post('/api/user/api-clients', { name: `Robustness CRM ${randomUUID().slice(0, 6)}` });
  crmApi = gateway.with('/api/contract', { 'x-api-key': key.body.apiKey });
  course = await openCourse();
  const created = await crmApi.post('/applications', application(course.code));
  applicationId = created.body.applicationId;
  const exchange = await gateway.post('/api/user/client-links/exchange', { token: await linkToken(applicationId) });
  const cookie = exchange.headers.get('set-cookie')!.split(';')[0];
  client = gateway.with(`/client/api/applications/${applicationId}`, { cookie });
}, 60_000);

/** The one error body, with the code expected. */
function expectError(response: ApiResponse, status: number, code: string | RegExp) {
  expect({ status: response.status, code: response.body?.code }).toEqual({
    status,
    code: typeof code === 'string' ? code : expect.stringMatching(code),
  });
  expect(response.body).toEqual(
    expect.objectContaining({ message: expect.any(String), traceId: expect.stringMatching(/.+/) }),
  );
}

function invalidFields(response: ApiResponse): string[] {
  expectError(response, 400, 'VALIDATION_FAILED');
  return (response.body.details as { field: string }[]).map((d) => d.field);
}

const validCourse = () => ({
  code: `R-${randomUUID().slice(0, 8)}`,
  title: 'Robust course',
  startDate: '2030-02-01',
  enrolmentDeadline: '2030-01-25T21:00:00Z',
  priceKopecks: 100_000,
  capacity: 5,
});

/** JSON routes of every kind of caller, as [name, client, method, path]. */
const jsonRoutes = (): [string, Gateway, string, string][] => [
  ['staff: create a course', staff, 'POST', '/api/course/courses'],
  ['staff: update a course', staff, 'PATCH', `/api/course/courses/${course.id}`],
  ['staff: create a campaign', staff, 'POST', '/api/promo/campaigns'],
  ['staff: create a user', staff, 'POST', '/api/user/users'],
  ['staff: create a webhook endpoint', staff, 'POST', '/api/notification/webhook-endpoints'],
  ['CRM: post an application', crmApi, 'POST', '/applications'],
  ['client: submit the form', client, 'POST', '/form'],
  ['client: sign', client, 'POST', '/signature'],
];

describe('bodies the API cannot read', () => {
  it('answers malformed JSON with 400 MALFORMED_JSON on every kind of route', async () => {
    for (const [name, caller, method, path] of jsonRoutes()) {
      for (const text of ['{"title":', "{'title': 'x'}", '{"a":1}}', 'null', '"just a string"']) {
        const response = await caller.request(method, path, text);
        expect([name, text, response.status, response.body.code]).toEqual([name, text, 400, 'MALFORMED_JSON']);
      }
    }
  });

  it('answers a body the route does not take with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const bodies: [string, string][] = [
      ['text/plain', 'title=Robust'],
      ['application/xml', '<course><title>Robust</title></course>'],
      ['application/x-www-form-urlencoded', 'title=Robust&capacity=5'],
      ['application/json; charset=iso-8859-1', JSON.stringify(validCourse())],
    ];
    for (const [name, caller, method, path] of jsonRoutes()) {
      for (const [type, text] of bodies) {
        const response = await caller.request(method, path, text, { 'content-type': type });
        expect([name, type, response.status, response.body.code]).toEqual([name, type, 415, 'UNSUPPORTED_MEDIA_TYPE']);
      }
    }
  });

  it('answers a body over the gateway’s limit (1 MB) with 413 from the gateway', async () => {
    const response = await staff.post('/api/course/courses', { ...validCourse(), description: 'x'.repeat(2_000_000) });
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a body over the service’s own limit with 413, through the gateway and around it', async () => {
    const big = { ...validCourse(), description: 'я'.repeat(150_000) };
    expectError(await staff.post('/api/course/courses', big), 413, 'PAYLOAD_TOO_LARGE');
    const direct = new ApiClient(`http://${env.STACK_HOST}:${env.COURSE_PORT}`, await staffToken());
    const response = await direct.post('/courses', big);
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(response.body.message).toMatch(/at most \d+ bytes/);
  });
});

describe('fields the API refuses, each named', () => {
  it('lists fields of the wrong type', async () => {
    const fields = invalidFields(
      await staff.post('/api/course/courses', { ...validCourse(), capacity: '5', priceKopecks: 1.5, title: 42 }),
    );
    expect(fields).toEqual(expect.arrayContaining(['capacity', 'priceKopecks', 'title']));
    expect(
      invalidFields(await crmApi.post('/applications', application(course.code, { clientName: ['Иван'] }))),
    ).toEqual(expect.arrayContaining(['clientName']));
    expect(invalidFields(await client.post('/form', validForm({ birthDate: 19900517 })))).toContain('birthDate');
  });

  it('refuses unknown fields instead of ignoring or storing them', async () => {
    expect(invalidFields(await staff.post('/api/course/courses', { ...validCourse(), seatsHeld: 0 }))).toEqual([
      'seatsHeld',
    ]);
    expect(invalidFields(await crmApi.post('/applications', application(course.code, { status: 'SIGNED' })))).toEqual([
      'status',
    ]);
    expect(invalidFields(await client.post('/form', validForm({ signed: true })))).toEqual(['signed']);
    const user = { email: `u-${randomUUID()}@otus.test`, name: 'Unknown field', password: 'Password-123456' };
    expect(
      invalidFields(await staff.post('/api/user/users', { ...user, roles: ['operator'], passwordHash: 'x' })),
    ).toEqual(['passwordHash']);
  });

  it('refuses null where a field cannot be empty, instead of failing on the database', async () => {
    expect(invalidFields(await staff.post('/api/course/courses', { ...validCourse(), status: null }))).toEqual([
      'status',
    ]);
    expect(invalidFields(await staff.patch(`/api/course/courses/${course.id}`, { title: null }))).toEqual(['title']);
    expect(invalidFields(await staff.post('/api/course/mentors', { name: 'Null contacts', contacts: null }))).toEqual([
      'contacts',
    ]);
  });

  it('refuses very long strings by their limits', async () => {
    const long = 'Щ'.repeat(20_000);
    expect(invalidFields(await staff.post('/api/course/courses', { ...validCourse(), title: long }))).toEqual([
      'title',
    ]);
    expect(invalidFields(await crmApi.post('/applications', application(course.code, { clientName: long })))).toEqual([
      'clientName',
    ]);
    expect(invalidFields(await client.post('/decline', { reason: long }))).toEqual(['reason']);
    expect(invalidFields(await staff.get(`/api/contract/contracts?q=${'a'.repeat(5_000)}`))).toEqual(['q']);
    expectError(await staff.get(`/api/course/courses/${'1'.repeat(4_000)}`), 400, 'BAD_REQUEST');
    expectError(await staff.get(`/api/contract/contracts/${'a'.repeat(4_000)}`), 404, 'APPLICATION_NOT_FOUND');
  });

  it('answers an address or headers too long for the gateway in the same body', async () => {
    expectError(await staff.get(`/api/course/courses?q=${'a'.repeat(20_000)}`), 414, 'URI_TOO_LONG');
    expectError(
      await staff.request('GET', '/api/course/courses', undefined, { cookie: 'c='.padEnd(40_000, 'x') }),
      400,
      'BAD_REQUEST',
    );
  });
});

describe('free text is stored and returned as it was sent', () => {
  const texts = [
    'עברית: שלום עולם',
    'العربية: مرحبا بالعالم',
    'Mixed: Курс «Node.js» — שלום مرحبا 😀👩🏽‍💻',
    'Combining: e\u0301 n\u0303 \u200f\u200e zero\u200dwidth',
  ];

  it('in courses, mentors and campaigns', async () => {
    for (const text of texts) {
      const created = await staff.post('/api/course/courses', {
        ...validCourse(),
        title: text.slice(0, 200),
        description: text,
      });
      expect(created.status).toBe(201);
      const read = await staff.get(`/api/course/courses/${created.body.id}`);
      expect([read.body.title, read.body.description]).toEqual([text.slice(0, 200), text]);

      const mentor = await staff.post('/api/course/mentors', { name: text, bio: text });
      expect((await staff.get(`/api/course/mentors/${mentor.body.id}`)).body).toMatchObject({ name: text, bio: text });

      const campaign = await staff.post('/api/promo/campaigns', {
        name: text,
        startsAt: '2030-01-01T00:00:00Z',
        discountType: 'percent',
        discountValue: 5,
      });
      expect((await staff.get(`/api/promo/campaigns/${campaign.body.id}`)).body.name).toBe(text);
    }
  });

  it('in a CRM application and the client’s form, as staff see them', async () => {
    const rtl = 'דוד בן-גוריון';
    const posted = await crmApi.post('/applications', application(course.code, { clientName: rtl }));
    expect(posted.status).toBe(201);
    expect((await staff.get(`/api/contract/contracts/${posted.body.applicationId}`)).body.clientName).toBe(rtl);

    const arabic = 'محمد بن علي';
    expect((await client.post('/form', validForm({ fullName: arabic }))).status).toBe(204);
    expect((await staff.get(`/api/contract/contracts/${applicationId}`)).body.clientName).toBe(arabic);
    expect((await client.get('')).body.clientName).toBe(arabic);
  });
});

describe('SQL injection strings: no 5xx, no effect', () => {
  const injections = [
    "' OR '1'='1",
    '1; DROP TABLE courses; --',
    "' UNION SELECT password_hash FROM users --",
    '\\x00\'"`;',
  ];

  it('in search filters they are text, matched literally', async () => {
    const before = (await staff.get('/api/course/courses?pageSize=1')).body.total;
    for (const text of injections) {
      const q = encodeURIComponent(text);
      for (const path of [
        `/api/course/courses?q=${q}`,
        `/api/course/mentors?q=${q}`,
        `/api/promo/campaigns?q=${q}`,
        `/api/user/users?q=${q}`,
        `/api/contract/contracts?q=${q}`,
        `/api/notification/deliveries?applicationId=${q}`,
        `/api/notification/webhook-endpoints?crmClientId=${q}`,
      ]) {
        const response = await staff.get(path);
        expect([path, response.status, response.body.total]).toEqual([path, 200, 0]);
      }
    }
    expect((await staff.get('/api/course/courses?pageSize=1')).body.total).toBeGreaterThanOrEqual(before);
    expect((await staff.get(`/api/course/courses/${course.id}`)).status).toBe(200);
  });

  it('in ids and codes they find nothing', async () => {
    for (const text of injections) {
      const id = encodeURIComponent(text);
      expectError(await staff.get(`/api/course/courses/${id}`), 400, 'BAD_REQUEST');
      expectError(await staff.delete(`/api/promo/codes/${id}`), 400, 'BAD_REQUEST');
      expectError(await staff.get(`/api/user/users/${id}`), 400, 'BAD_REQUEST');
      expectError(await staff.get(`/api/contract/contracts/${id}`), 404, 'APPLICATION_NOT_FOUND');
      expectError(await crmApi.get(`/applications/${id}`), 404, 'APPLICATION_NOT_FOUND');
      expectError(await gateway.get(`/api/course/public/courses/${id}`), 404, 'COURSE_NOT_FOUND');
    }
    expect(invalidFields(await staff.get(`/api/course/mentors?courseId=${encodeURIComponent(injections[0])}`))).toEqual(
      ['courseId'],
    );
  });
});

describe('MongoDB operator injection: refused, never a match', () => {
  const operators = [{ $ne: null }, { $gt: '' }, { $regex: '.*' }, { $where: 'sleep(100)' }];

  it('in the CRM’s application fields', async () => {
    for (const op of operators) {
      expect(
        invalidFields(await crmApi.post('/applications', application(course.code, { crmApplicationId: op }))),
      ).toContain('crmApplicationId');
      expect(invalidFields(await crmApi.post('/applications', application(course.code, { courseCode: op })))).toContain(
        'courseCode',
      );
    }
    // The id in the path is a string: the operator spelled out is a name that matches nothing.
    expectError(await crmApi.get(`/applications/${encodeURIComponent('{"$ne":null}')}`), 404, 'APPLICATION_NOT_FOUND');
  });

  it('in the staff contract search', async () => {
    for (const query of ['q[$ne]=x', 'q[$regex]=.*', 'status[$ne]=CREATED', 'courseCode[$gt]=', 'from[$gt]=']) {
      const response = await staff.get(`/api/contract/contracts?${query}`);
      expectError(response, 400, 'VALIDATION_FAILED');
    }
    const literal = await staff.get(`/api/contract/contracts?q=${encodeURIComponent('{"$ne":null}')}`);
    expect([literal.status, literal.body.total]).toEqual([200, 0]);
    expectError(
      await staff.get(`/api/contract/contracts/${encodeURIComponent('{"$ne":null}')}`),
      404,
      'APPLICATION_NOT_FOUND',
    );
  });

  it('in the client’s form, signature and decline', async () => {
    for (const op of operators) {
      expect(invalidFields(await client.post('/form', validForm({ fullName: op, phone: op })))).toEqual(
        expect.arrayContaining(['fullName', 'phone']),
      );
      const signature = await client.from(loopbackAddress()).post('/signature', { signingCode: op });
      expect(invalidFields(signature)).toEqual(['signingCode']);
      expect(invalidFields(await client.post('/decline', { reason: op }))).toEqual(['reason']);
    }
    const array = await client.from(loopbackAddress()).post('/signature', { signingCode: ['123456'] });
    expect(invalidFields(array)).toEqual(['signingCode']);
  });

  it('in credentials and codes anyone may send', async () => {
    const anyone = gateway;
    expect(invalidFields(await anyone.post('/api/user/client-links/exchange', { token: { $ne: null } }))).toEqual([
      'token',
    ]);
    expect(
      invalidFields(await anyone.post('/api/user/auth/login', { email: { $ne: null }, password: { $ne: null } })),
    ).toEqual(expect.arrayContaining(['email', 'password']));
    expect(
      invalidFields(
        await anyone.post('/api/promo/public/promo-codes/check', {
          code: { $ne: null },
          courseCode: course.code,
          priceKopecks: 100,
        }),
      ),
    ).toEqual(['code']);
  });

  it('in other services’ filters', async () => {
    for (const path of [
      '/api/notification/deliveries?applicationId[$ne]=x',
      '/api/user/users?q[$ne]=x',
      '/api/course/courses?status[$ne]=open',
    ]) {
      expectError(await staff.get(path), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('path traversal in document ids', () => {
  const traversals = [
    '..%2f..%2f..%2fetc%2fpasswd',
    '%2e%2e%2f%2e%2e%2fpackage.json',
    '..%5c..%5cpackage.json',
    '....//....//etc',
  ];

  /** A refusal in JSON or the client's HTML error page: never a file, a document or a 5xx. */
  function expectNoFile(path: string, response: ApiResponse) {
    expect([path, response.status >= 400 && response.status < 500]).toEqual([path, true]);
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    expect(text).not.toMatch(/root:x:|"workspaces"|%PDF-/);
  }

  it('finds no document and no file, for staff and for the client', async () => {
    for (const t of traversals) {
      for (const [caller, path] of [
        [staff, `/api/contract/contracts/${applicationId}/documents/${t}`],
        [staff, `/api/contract/contracts/${t}/documents/draft`],
        [client, `/documents/${t}`],
        [gateway, `/client/assets/${t}`],
      ] as [Gateway, string][]) {
        expectNoFile(path, await caller.get(path));
      }
    }
    // Where the traversal stays in the id, the id names nothing.
    expectError(await staff.get(`/api/contract/contracts/${applicationId}/documents/..%2fsigned`), 404, /NOT_FOUND$/);
    expectError(await client.get('/documents/..%2f..%2fdraft'), 404, /NOT_FOUND$/);
  });

  it('never reaches a file or an internal route with a literal ../', async () => {
    for (const path of [
      `/api/contract/contracts/${applicationId}/documents/../../../../../etc/passwd`,
      '/client/assets/../../../package.json',
      '/api/contract/contracts/../internal/documents/x',
      '/api/course/../contract/internal/documents/x',
    ]) {
      expectNoFile(path, await staff.get(path));
    }
  });
});
