import { randomUUID } from 'node:crypto';
import { ApiClient, stackEnv, craftedToken, staffToken } from '@otus/testing';

/** The course admin and public API through the real gateway, as an administrator and a visitor see it. */
const env = stackEnv();
const anonymous = new ApiClient(`${env.GATEWAY_URL}/api/course`);
let admin: ApiClient;
let operator: ApiClient;

const DAY = 86_400_000;
const isoDate = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const newCourse = (overrides: Record<string, unknown> = {}) => ({
  code: `C-${randomUUID().slice(0, 8)}`,
  title: 'Node.js Developer',
  description: 'Бэкенд на Node.js',
  startDate: isoDate(30),
  enrolmentDeadline: new Date(Date.now() + 20 * DAY).toISOString(),
  priceKopecks: 9_900_000,
  capacity: 20,
  status: 'open',
  ...overrides,
});

beforeAll(async () => {
  admin = anonymous.withToken(await staffToken({ roles: ['admin'] }));
  operator = anonymous.withToken(await staffToken({ roles: ['operator'] }));
});

describe('access', () => {
  it('refuses a request without a token with 401', async () => {
    const { status, body } = await anonymous.get('/courses');
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'UNAUTHENTICATED', traceId: expect.any(String) });
  });

  it.each([
    ['forged', { forged: true }],
    ['expired', { expiresIn: Math.floor(Date.now() / 1000) - 60 }],
    ['unknown kid', { kid: 'no-such-key' }],
    ['wrong audience', { audience: 'someone-else' }],
  ])('refuses a %s token with 401', async (_, options) => {
    const { status } = await anonymous.withToken(await craftedToken(options)).get('/courses');
    expect(status).toBe(401);
  });

  it('lets an operator read but not write (403)', async () => {
    expect((await operator.get('/courses')).status).toBe(200);
    const { status, body } = await operator.post('/courses', newCourse());
    expect(status).toBe(403);
    expect(body.code).toBe('FORBIDDEN');
  });

  it('serves the public card and availability without a token', async () => {
    const { body: course } = await admin.post('/courses', newCourse());
    expect((await anonymous.get(`/public/courses/${course.code}`)).status).toBe(200);
    expect((await anonymous.get(`/public/courses/${course.code}/availability`)).status).toBe(200);
  });
});

describe('courses', () => {
  it('creates, reads, updates and deletes a course', async () => {
    const dto = newCourse();
    const created = await admin.post('/courses', dto);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...dto,
      enrolmentDeadline: dto.enrolmentDeadline,
      seatsHeld: 0,
      seatsConfirmed: 0,
      freeSeats: 20,
      mentorIds: [],
    });

    const { id } = created.body;
    expect((await admin.get(`/courses/${id}`)).body).toEqual(created.body);

    const updated = await admin.patch(`/courses/${id}`, { title: 'Node.js Professional', capacity: 25 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ title: 'Node.js Professional', capacity: 25, freeSeats: 25 });

    expect((await admin.delete(`/courses/${id}`)).status).toBe(204);
    expect((await admin.get(`/courses/${id}`)).status).toBe(404);
  });

  it('rejects invalid fields with 400 and a message per field', async () => {
    const { status, body } = await admin.post('/courses', {
      code: '!',
      title: 'x',
      startDate: '01.02.2027',
      enrolmentDeadline: 'tomorrow',
      priceKopecks: -1,
      capacity: 1.5,
      status: 'running',
    });
    expect(status).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    const fields = body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['capacity', 'code', 'enrolmentDeadline', 'priceKopecks', 'startDate', 'status', 'title']);
  });

  it('rejects unknown fields and a deadline after the start', async () => {
    expect((await admin.post('/courses', { ...newCourse(), seats: 3 })).status).toBe(400);
    const late = await admin.post(
      '/courses',
      newCourse({ enrolmentDeadline: new Date(Date.now() + 40 * DAY).toISOString() }),
    );
    expect(late.status).toBe(400);
    expect(late.body.details).toEqual([{ field: 'enrolmentDeadline', errors: [expect.stringMatching(/start date/)] }]);
  });

  it('answers 409 for a duplicate code, on create and on update', async () => {
    const first = await admin.post('/courses', newCourse());
    const second = await admin.post('/courses', newCourse());
    expect((await admin.post('/courses', newCourse({ code: first.body.code }))).body.code).toBe('COURSE_CODE_TAKEN');
    const clash = await admin.patch(`/courses/${second.body.id}`, { code: first.body.code });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('COURSE_CODE_TAKEN');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await admin.get(`/courses/${randomUUID()}`)).body.code).toBe('COURSE_NOT_FOUND');
    expect((await admin.patch(`/courses/${randomUUID()}`, { title: 'Nothing' })).status).toBe(404);
    expect((await admin.delete(`/courses/${randomUUID()}`)).status).toBe(404);
    expect((await admin.get('/courses/not-a-uuid')).status).toBe(400);
  });

  it('lists with pagination and filters', async () => {
    const tag = randomUUID().slice(0, 6);
    for (const [i, status] of (['open', 'open', 'open', 'draft', 'closed'] as const).entries()) {
      await admin.post('/courses', newCourse({ code: `L-${tag}-${i}`, title: `List ${tag} ${i}`, status }));
    }
    const page1 = await admin.get(`/courses?q=${tag}&status=open&pageSize=2&page=1`);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.items.map((c: { code: string }) => c.code)).toEqual([`L-${tag}-0`, `L-${tag}-1`]);
    const page2 = await admin.get(`/courses?q=${tag}&status=open&pageSize=2&page=2`);
    expect(page2.body.items.map((c: { code: string }) => c.code)).toEqual([`L-${tag}-2`]);
    expect((await admin.get(`/courses?q=${tag.toUpperCase()}`)).body.total).toBe(5);
    expect((await admin.get('/courses?pageSize=1000')).status).toBe(400);
    expect((await admin.get('/courses?status=running')).status).toBe(400);
  });

  it('shows a card to visitors only for non-draft courses', async () => {
    const { body: draft } = await admin.post('/courses', newCourse({ status: 'draft' }));
    expect((await anonymous.get(`/public/courses/${draft.code}`)).status).toBe(404);
    const { body: open } = await admin.post('/courses', newCourse());
    const card = await anonymous.get(`/public/courses/${open.code}`);
    expect(card.body).toEqual({
      code: open.code,
      title: open.title,
      description: open.description,
      startDate: open.startDate,
      enrolmentDeadline: open.enrolmentDeadline,
      priceKopecks: open.priceKopecks,
      mentors: [],
    });
    expect((await anonymous.get(`/public/courses/${open.code}/availability`)).body).toEqual({
      code: open.code,
      available: true,
      freeSeats: 20,
    });
    expect((await anonymous.get('/public/courses/NO-SUCH/availability')).body).toEqual({
      code: 'NO-SUCH',
      available: false,
      reason: 'COURSE_NOT_FOUND',
      freeSeats: 0,
    });
  });
});

describe('mentors', () => {
  it('creates, links to courses, filters, updates and deletes a mentor', async () => {
    const { body: course } = await admin.post('/courses', newCourse());
    const created = await admin.post('/mentors', {
      name: 'Анна Смирнова',
      bio: 'Senior backend engineer',
      contacts: { email: 'anna@otus.example', telegram: '@anna_mentor' },
      courseIds: [course.id],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Анна Смирнова', courseIds: [course.id] });

    const byCourse = await admin.get(`/mentors?courseId=${course.id}`);
    expect(byCourse.body.items.map((m: { id: string }) => m.id)).toEqual([created.body.id]);
    expect((await admin.get(`/courses/${course.id}`)).body.mentorIds).toEqual([created.body.id]);
    expect((await anonymous.get(`/public/courses/${course.code}`)).body.mentors).toEqual([
      { name: 'Анна Смирнова', bio: 'Senior backend engineer' },
    ]);

    const updated = await admin.patch(`/mentors/${created.body.id}`, { courseIds: [], bio: 'Staff engineer' });
    expect(updated.body).toMatchObject({ bio: 'Staff engineer', courseIds: [] });
    expect((await admin.delete(`/mentors/${created.body.id}`)).status).toBe(204);
    expect((await admin.get(`/mentors/${created.body.id}`)).body.code).toBe('MENTOR_NOT_FOUND');
  });

  it('rejects unknown courses, bad contacts and missing names', async () => {
    const unknown = await admin.post('/mentors', { name: 'Пётр', courseIds: [randomUUID()] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].field).toBe('courseIds');
    const bad = await admin.post('/mentors', { contacts: { email: 'not-an-email', phone: 'call me' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'contacts.email',
      'contacts.phone',
      'name',
    ]);
    expect((await operator.post('/mentors', { name: 'Пётр' })).status).toBe(403);
  });
});
