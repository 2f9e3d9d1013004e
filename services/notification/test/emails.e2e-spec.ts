import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { TaskContext } from '@otus/common';
import { ApiClient } from '@otus/testing';
import { DataSource } from 'typeorm';
import { DeliveryInProgressError } from '../src/deliveries/delivery-log.service';
import { ResendService } from '../src/deliveries/resend.service';
import { REJECT_REASONS } from '../src/email/email-variables';
import { SendEmailHandler } from '../src/worker/send-email.handler';
import { createNotificationApp } from './support/app';
import { sealLinkToken, stack, useNotificationEnv } from './support/env';
import { type ContractServer, pdfBytes, startContractServer } from './support/http-servers';
import { attachment, mailsTo, rawSource, uniqueAddress, waitForMails } from '@otus/testing';

/**
 * notification.email and the internal signing-code route, in-process, against the real
 * MailDev and PostgreSQL of the local stack; the contract service's document route is a
 * local stand-in. Every test writes to its own address and reads only that address's mail.
 */
let app: INestApplication;
let db: DataSource;
let handler: SendEmailHandler;
let contract: ContractServer;
let service: ApiClient;

beforeAll(async () => {
  contract = await startContractServer(stack.INTERNAL_API_TOKEN);
  useNotificationEnv({ CONTRACT_INTERNAL_URL: contract.url });
  app = await createNotificationApp();
  await app.listen(0, '127.0.0.1');
  service = new ApiClient(await app.getUrl());
  db = app.get(DataSource);
  handler = app.get(SendEmailHandler);
});
afterAll(async () => {
  await app.close();
  await contract.close();
});

const task = (): TaskContext => ({
  id: randomUUID(),
  topicName: 'notification.email',
  processInstanceId: randomUUID(),
  activityInstanceId: `Task_Email:${randomUUID()}`,
});

/** Every variable any template reads; each template takes what it needs. */
function variables(emailTemplate: string, overrides: Record<string, unknown> = {}) {
  return {
    emailTemplate,
    applicationId: randomUUID(),
    clientName: 'Иван Петров',
    clientEmail: uniqueAddress(emailTemplate),
    courseTitle: 'Node.js Developer',
    courseStartDate: '2026-12-10',
    priceKopecks: 9_900_000,
    discountKopecks: 990_000,
    finalPriceKopecks: 8_910_000,
    promoStatus: 'APPLIED',
    rejectReason: 'NO_FREE_SEATS',
    linkExpiresAt: '2026-11-30T09:00:00Z',
    cancelReasonCode: 'CLIENT_REQUEST',
    cancelReasonText: 'Вы попросили отменить заявку по телефону.',
    deadlineKind: 'link',
    newDeadline: '2026-12-05T15:30:00Z',
    deadlineChange: 'extended',
    unavailableReason: 'COURSE_STARTED',
    ...overrides,
  };
}

async function send(vars: Record<string, unknown>, context = task()) {
  return { context, result: await handler.handle(handler.input.parse(vars), context) };
}

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const keyOf = (t: TaskContext) => `task:${t.processInstanceId}:${t.activityInstanceId}`;

async function deliveriesOf(applicationId: string) {
  return db.query(
    `SELECT d.*, m.template, m.channel, m.idempotency_key, m.status AS message_status, m.content
       FROM deliveries d JOIN messages m ON m.id = d.message_id
      WHERE m.application_id = $1 ORDER BY d.attempt`,
    [applicationId],
  );
}

describe('the templates, as they arrive', () => {
  it.each([
    ['link-expired', 'Срок ссылки для оформления договора на курс «Node.js Developer» истёк', 'Заявка закрыта'],
    ['no-seats', 'Места на курсе «Node.js Developer» закончились', 'свободные места на курсе закончились'],
    ['declined', 'Вы отказались от договора на курс «Node.js Developer»', 'Мы получили ваш отказ'],
    ['signing-expired', 'Срок подписания договора на курс «Node.js Developer» истёк', 'не был подписан вовремя'],
    ['cancelled', 'Заявка на курс «Node.js Developer» отменена', 'Причина отмены: Вы попросили отменить заявку'],
    ['course-unavailable', 'Курс «Node.js Developer» недоступен для записи', 'Курс «Node.js Developer» уже начался'],
  ])('%s: Cyrillic intact in subject, HTML and text', async (template, subject, phrase) => {
    const vars = variables(template);
    const { context } = await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    expect(mail.subject).toBe(subject);
    expect(mail.to).toEqual([{ address: vars.clientEmail, name: '' }]);
    expect(mail.from[0]).toEqual({ address: 'no-reply@otus-contract.local', name: 'OTUS' });
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain('Здравствуйте, Иван Петров!');
      expect(body).toContain(phrase);
    }
    expect(mail.html).toContain('<html lang="ru">');
    expect(mail.text).not.toMatch(/<[a-z]/i);
    expect(mail.headers['message-id']).toBe(`<${sha256(keyOf(context))}@otus-contract>`);
    expect(await rawSource(mail)).toMatch(/charset=utf-8/i);
  });

  it('link: the link opened from clientLinkRef, the price and the expiry in Russian', async () => {
    const token = `tok_${randomUUID().replace(/-/g, '')}`;
    const vars = variables('link', { clientLinkRef: sealLinkToken(token) });
    await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    const link = `${stack.GATEWAY_URL}/l/${token}`;
    expect(mail.subject).toBe('Оформление договора на курс «Node.js Developer»');
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain(`\n${link}\n`);
    for (const body of [plain(mail.html), plain(mail.text)]) {
      expect(body).toContain('Старт занятий — 10 декабря 2026 г., стоимость обучения — 99 000,00 ₽.');
      expect(body).toContain('Ссылка действует до 30 ноября 2026 г. в 12:00 (GMT+3).');
    }
  });

  it('link: the raw token is in the e-mail only, never in the delivery log', async () => {
    const token = `tok_${randomUUID().replace(/-/g, '')}`;
    const ref = sealLinkToken(token);
    const vars = variables('link', { clientLinkRef: ref });
    await send(vars);
    await waitForMails(vars.clientEmail);
    const [row] = await deliveriesOf(vars.applicationId);
    expect(row).toMatchObject({
      status: 'sent',
      response_code: 250,
      recipient: vars.clientEmail,
      attempt: 1,
      trigger: 'task',
      error: null,
      message_status: 'sent',
    });
    expect(row.content.variables.clientLinkRef).toBe(ref);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM messages m LEFT JOIN deliveries d ON d.message_id = m.id
        WHERE m.content::text LIKE $1 OR d.error LIKE $1 OR d.recipient LIKE $1`,
      [`%${token}%`],
    );
    expect(n).toBe(0);
  });

  it('link-reminder: the same link, before it expires', async () => {
    const token = `tok_${randomUUID().replace(/-/g, '')}`;
    const vars = variables('link-reminder', { clientLinkRef: sealLinkToken(token) });
    await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    expect(mail.subject).toBe('Напоминание: договор на курс «Node.js Developer» ждёт оформления');
    expect(mail.text).toContain(`${stack.GATEWAY_URL}/l/${token}`);
    expect(plain(mail.html)).toContain('Ссылка действует до 30 ноября 2026 г. в 12:00 (GMT+3)');
  });

  it('link and link-reminder join the contract audit chain, once per task, also when the task is re-delivered', async () => {
    const link = variables('link', { clientLinkRef: sealLinkToken(`tok_${randomUUID()}`) });
    const { context } = await send(link);
    await send(link, context); // re-delivered after the e-mail went out: reported again, under the same key
    const reminder = variables('link-reminder', { clientLinkRef: sealLinkToken(`tok_${randomUUID()}`) });
    const { context: reminderTask } = await send(reminder);
    expect(
      contract.events.filter(
        (e) => e.applicationId === link.applicationId || e.applicationId === reminder.applicationId,
      ),
    ).toEqual([
      {
        applicationId: link.applicationId,
        body: { action: 'link.sent', eventKey: keyOf(context), sentTo: link.clientEmail },
      },
      {
        applicationId: link.applicationId,
        body: { action: 'link.sent', eventKey: keyOf(context), sentTo: link.clientEmail },
      },
      {
        applicationId: reminder.applicationId,
        body: { action: 'link.reminded', eventKey: keyOf(reminderTask), sentTo: reminder.clientEmail },
      },
    ]);
    expect(await waitForMails(link.clientEmail)).toHaveLength(1);
  });

  it('link with linkReissued: a new link, the previous one no longer works; reported to the audit chain as link.reissued', async () => {
    const token = `tok_${randomUUID().replace(/-/g, '')}`;
    const vars = variables('link', { clientLinkRef: sealLinkToken(token), linkReissued: true });
    const { context } = await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    expect(mail.subject).toBe('Новая ссылка для оформления договора на курс «Node.js Developer»');
    for (const body of [plain(mail.html), plain(mail.text)]) {
      expect(body).toContain('Предыдущая ссылка больше не действует.');
      expect(body).toContain('Откройте ссылку, чтобы продолжить оформление договора');
      expect(body).toContain('Ссылка действует до 30 ноября 2026 г. в 12:00 (GMT+3).');
    }
    expect(mail.text).toContain(`\n${stack.GATEWAY_URL}/l/${token}\n`);
    expect(contract.events.filter((e) => e.applicationId === vars.applicationId)).toEqual([
      {
        applicationId: vars.applicationId,
        body: { action: 'link.reissued', eventKey: keyOf(context), sentTo: vars.clientEmail },
      },
    ]);
    // A resend from the delivery log is the same new-link e-mail.
    const [row] = await deliveriesOf(vars.applicationId);
    expect(row.content.variables.linkReissued).toBe(true);
    await app.get(ResendService).resend(row.id);
    const mails = await waitForMails(vars.clientEmail, 2);
    expect(mails[1].subject).toBe(mail.subject);
  });

  it('a contract service that cannot record the link event fails the task, and the retry sends no second e-mail', async () => {
    const vars = variables('link', { clientLinkRef: sealLinkToken(`tok_${randomUUID()}`) });
    contract.failEvents = true;
    const context = task();
    try {
      await expect(send(vars, context)).rejects.toThrow(/audit event link.sent .* HTTP 503/);
    } finally {
      contract.failEvents = false;
    }
    await send(vars, context);
    expect(contract.events.filter((e) => e.applicationId === vars.applicationId)).toHaveLength(1);
    expect(await waitForMails(vars.clientEmail)).toHaveLength(1);
  });

  it.each([
    ['COURSE_NOT_FOUND', 'не найден в нашем каталоге'],
    ['ENROLMENT_CLOSED', 'Набор на курс «Node.js Developer» закрыт'],
    ['COURSE_STARTED', 'Курс «Node.js Developer» уже начался'],
    ['NO_FREE_SEATS', 'На курсе «Node.js Developer» не осталось свободных мест'],
  ])('rejected because %s: its own text', async (rejectReason, phrase) => {
    const vars = variables('rejected', { rejectReason });
    await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    expect(mail.subject).toBe('Заявка на курс «Node.js Developer» не принята');
    expect(mail.html).toContain(phrase);
    expect(mail.text).toContain(phrase);
    for (const other of REJECT_REASONS.filter((r) => r !== rejectReason)) {
      expect(mail.text).not.toContain(other);
    }
  });

  it('rejected for a course that does not exist: no title to show', async () => {
    const vars = variables('rejected', { rejectReason: 'COURSE_NOT_FOUND', courseTitle: null });
    await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    expect(mail.subject).toBe('Заявка на курс не принята');
  });

  it('draft-ready: price, discount and final price as rubles with kopecks', async () => {
    const vars = variables('draft-ready');
    await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    expect(mail.subject).toBe('Договор на курс «Node.js Developer» готов к подписанию');
    const text = plain(mail.text);
    expect(text).toContain(
      'Стоимость курса: 99 000,00 ₽\nСкидка по промокоду: −9 900,00 ₽\nИтого к оплате: 89 100,00 ₽',
    );
    expect(text).toContain('Промокод применён: скидка 9 900,00 ₽.');
    expect(plain(mail.html)).toContain('89 100,00 ₽');
  });

  it('draft-ready: until when the contract can be signed, when signDeadline is set', async () => {
    const vars = variables('draft-ready', { signDeadline: '2026-12-07T20:59:00Z' });
    await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    for (const body of [plain(mail.html), plain(mail.text)]) {
      expect(body).toContain('Подписать договор можно до 7 декабря 2026 г. в 23:59 (GMT+3).');
    }
  });

  it.each([
    [
      'link',
      'extended',
      'Срок оформления договора на курс «Node.js Developer» продлён',
      'Мы продлили срок оформления договора на курс «Node.js Developer». Ссылка для оформления теперь действует до 5 декабря 2026 г. в 18:30 (GMT+3).',
    ],
    [
      'signing',
      'extended',
      'Срок подписания договора на курс «Node.js Developer» продлён',
      'Мы продлили срок подписания договора на курс «Node.js Developer». Подписать договор можно до 5 декабря 2026 г. в 18:30 (GMT+3).',
    ],
    [
      'link',
      'shortened',
      'Срок оформления договора на курс «Node.js Developer» сокращён',
      'Даты курса «Node.js Developer» изменились, поэтому срок оформления договора перенесён на более раннюю дату. Ссылка для оформления теперь действует до 5 декабря 2026 г. в 18:30 (GMT+3).',
    ],
    [
      'signing',
      'shortened',
      'Срок подписания договора на курс «Node.js Developer» сокращён',
      'Даты курса «Node.js Developer» изменились, поэтому срок подписания договора перенесён на более раннюю дату. Подписать договор можно до 5 декабря 2026 г. в 18:30 (GMT+3).',
    ],
  ])(
    'deadline-changed (%s, %s): the new deadline, which way it moved, and the link from clientLinkRef',
    async (deadlineKind, deadlineChange, subject, phrase) => {
      const token = `tok_${randomUUID().replace(/-/g, '')}`;
      const vars = variables('deadline-changed', { deadlineKind, deadlineChange, clientLinkRef: sealLinkToken(token) });
      await send(vars);
      const [mail] = await waitForMails(vars.clientEmail);
      expect(mail.subject).toBe(subject);
      for (const body of [plain(mail.html), plain(mail.text)]) expect(body).toContain(phrase);
      expect(mail.html).toContain(`href="${stack.GATEWAY_URL}/l/${token}"`);
    },
  );

  it('deadline-changed: a deadlineChange that is neither extended nor shortened is refused, naming it', () => {
    expect(() => handler.input.parse(variables('deadline-changed', { deadlineChange: 'later' }))).toThrow(
      /deadlineChange/,
    );
    expect(() => handler.input.parse(variables('deadline-changed', { deadlineChange: undefined }))).toThrow(
      /deadlineChange/,
    );
  });

  it('signing-reminder: until when to sign in the subject and the body, the seat released after, the link', async () => {
    const token = `tok_${randomUUID().replace(/-/g, '')}`;
    const vars = variables('signing-reminder', {
      signDeadline: '2026-12-07T20:59:00Z',
      clientLinkRef: sealLinkToken(token),
    });
    await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    expect(plain(mail.subject)).toBe(
      'Напоминание: подпишите договор на курс «Node.js Developer» до 7 декабря 2026 г. в 23:59 (GMT+3)',
    );
    for (const body of [plain(mail.html), plain(mail.text)]) {
      expect(body).toContain('Подписать его можно до 7 декабря 2026 г. в 23:59 (GMT+3).');
      expect(body).toContain('забронированное для вас место на курсе — освобождено');
    }
    expect(mail.html).toContain(`href="${stack.GATEWAY_URL}/l/${token}"`);
    expect(contract.events.filter((e) => e.applicationId === vars.applicationId)).toEqual([]);
  });

  it('signed: the signed PDF from the contract service attached, byte for byte', async () => {
    const documentId = randomUUID();
    const pdf = pdfBytes(`Contract ${documentId}`);
    contract.documents.set(documentId, pdf);
    const vars = variables('signed', { signedDocumentId: documentId });
    await send(vars);
    const [mail] = await waitForMails(vars.clientEmail);
    expect(mail.subject).toBe('Договор на курс «Node.js Developer» подписан');
    expect(plain(mail.text)).toContain('Сумма по договору — 89 100,00 ₽.');
    expect(mail.attachments).toEqual([
      expect.objectContaining({ filename: 'Договор.pdf', contentType: 'application/pdf', size: pdf.length }),
    ]);
    expect((await attachment(mail)).equals(pdf)).toBe(true);
    expect(contract.tokens.at(-1)).toBe(stack.INTERNAL_API_TOKEN);
  });

  it('signed: a document the contract service does not have is a logged failure, retried later, and no mail', async () => {
    const vars = variables('signed', { signedDocumentId: randomUUID() });
    await expect(send(vars)).rejects.toThrow(/e-mail signed not sent .*retried later/);
    const [row] = await deliveriesOf(vars.applicationId);
    expect(row).toMatchObject({ status: 'failed', response_code: null, message_status: 'failed' });
    expect(row.error).toMatch(/contract service answered HTTP 404/);
    expect(await mailsTo(vars.clientEmail)).toEqual([]);
  });
});

describe('once per task', () => {
  it('sends once when the same task is handled twice', async () => {
    const vars = variables('declined');
    const { context } = await send(vars);
    await send(vars, context);
    const mails = await waitForMails(vars.clientEmail, 1, 1_000);
    expect(mails).toHaveLength(1);
    const rows = await deliveriesOf(vars.applicationId);
    expect(rows.map((r: { status: string }) => r.status)).toEqual(['sent']);
    expect(rows[0].idempotency_key).toBe(keyOf(context));
  });

  it('sends once when two workers hold the same task at the same moment', async () => {
    const vars = variables('no-seats');
    const context = task();
    const results = await Promise.allSettled([send(vars, context), send(vars, context)]);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DeliveryInProgressError);
    }
    expect(await waitForMails(vars.clientEmail, 1, 1_000)).toHaveLength(1);
  });

  it('is held back by the claim of an attempt that died without releasing it, until that claim runs out', async () => {
    const vars = variables('signed', { signedDocumentId: randomUUID() });
    const context = task();
    await expect(send(vars, context)).rejects.toThrow(/not sent/);
    // As if an attempt had claimed the message and lost its database before it could release the claim.
    await db.query(`UPDATE messages SET claimed_until = now() + interval '30 seconds' WHERE idempotency_key = $1`, [
      keyOf(context),
    ]);
    const busy = await send(vars, context).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(DeliveryInProgressError);
    // The task comes back when the claim runs out, not after the exponential back-off.
    expect((busy as DeliveryInProgressError).retryAfterMs).toBeGreaterThan(27_000);
    expect((busy as DeliveryInProgressError).retryAfterMs).toBeLessThanOrEqual(31_000);
    expect(await deliveriesOf(vars.applicationId)).toHaveLength(1);
  });

  it('resends on request, as a new logged attempt with a Message-ID of its own', async () => {
    const vars = variables('signing-expired');
    const { context } = await send(vars);
    const [first] = await deliveriesOf(vars.applicationId);
    const resent = await app.get(ResendService).resend(first.id);
    expect(resent).toMatchObject({ attempt: 2, status: 'sent', trigger: 'resend', messageStatus: 'sent' });
    const mails = await waitForMails(vars.clientEmail, 2);
    expect(mails).toHaveLength(2);
    const ids = mails.map((m) => m.headers['message-id']);
    expect(ids[0]).toBe(`<${sha256(keyOf(context))}@otus-contract>`);
    expect(ids[1]).not.toBe(ids[0]);
    expect(mails[1].subject).toBe(mails[0].subject);
  });
});

describe('POST /internal/emails (signing code)', () => {
  const body = (to: string, overrides: Record<string, unknown> = {}) => ({
    applicationId: randomUUID(),
    messageId: `signing-code-${randomUUID()}`,
    to,
    template: 'signing-code',
    variables: {
      signingCode: String(100_000 + Math.floor(Math.random() * 900_000)),
      clientName: 'Анна Смирнова',
      courseTitle: 'Python Developer',
      expiresAt: '2026-11-23T16:10:00Z',
    },
    ...overrides,
  });
  const post = (payload: unknown, token?: string) =>
    service.request('POST', '/internal/emails', payload, token === undefined ? {} : { 'x-internal-token': token });

  it('refuses a missing or wrong internal token with 401', async () => {
    const payload = body(uniqueAddress('code'));
    expect((await post(payload)).status).toBe(401);
    const wrong = await post(payload, 'x'.repeat(stack.INTERNAL_API_TOKEN.length));
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
    expect(await mailsTo(payload.to)).toEqual([]);
  });

  it('sends the code once per messageId, and keeps the code out of the delivery log', async () => {
    const payload = body(uniqueAddress('code'));
    const first = await post(payload, stack.INTERNAL_API_TOKEN);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'sent', alreadySent: false });
    const again = await post(payload, stack.INTERNAL_API_TOKEN);
    expect(again.body).toEqual({ ...first.body, alreadySent: true });

    const [mail] = await waitForMails(payload.to, 1, 1_000);
    expect(await mailsTo(payload.to)).toHaveLength(1);
    expect(mail.subject).toBe('Код для подписания договора на курс «Python Developer»');
    expect(mail.html).toContain(payload.variables.signingCode);
    expect(mail.text).toContain(`«Python Developer»: ${payload.variables.signingCode}`);
    expect(plain(mail.text)).toContain('Код действует до 23 ноября 2026 г. в 19:10 (GMT+3).');

    const rows = await deliveriesOf(payload.applicationId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', trigger: 'internal', template: 'signing-code' });
    expect(JSON.stringify(rows)).not.toContain(payload.variables.signingCode);
    await expect(app.get(ResendService).resend(rows[0].id)).rejects.toMatchObject({ code: 'NOT_RESENDABLE' });
  });

  it('refuses a messageId reused for another recipient (409) and a malformed code (400)', async () => {
    const payload = body(uniqueAddress('code'));
    expect((await post(payload, stack.INTERNAL_API_TOKEN)).status).toBe(200);
    const reused = await post({ ...payload, to: uniqueAddress('other') }, stack.INTERNAL_API_TOKEN);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('MESSAGE_ID_REUSED');
    const bad = await post(
      body(uniqueAddress('code'), {
        variables: { ...payload.variables, signingCode: '12ab' },
        template: 'link',
      }),
      stack.INTERNAL_API_TOKEN,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'template',
      'variables.signingCode',
    ]);
  });
});
