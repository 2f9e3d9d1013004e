import type { ConfigService } from '@nestjs/config';
import type { NotificationEnv } from '../config';
import { EmailTemplates } from './email-templates';
import { EMAIL_TEMPLATES, type EmailTemplate, REJECT_REASONS, UNAVAILABLE_REASONS } from './email-variables';
import { emailView } from './email-view';

const config = { get: () => undefined } as unknown as ConfigService<NotificationEnv, true>;
const templates = new EmailTemplates(config);

const vars: Parameters<typeof emailView>[0] = {
  applicationId: 'app-1',
  clientName: 'Иван Петров',
  courseTitle: 'Node.js Developer',
  courseStartDate: '2026-12-10',
  priceKopecks: 9_900_000,
  discountKopecks: 990_000,
  finalPriceKopecks: 8_910_000,
  promoStatus: 'APPLIED',
  rejectReason: 'NO_FREE_SEATS',
  linkExpiresAt: '2026-11-30T09:00:00Z',
  expiresAt: '2026-11-23T16:10:00Z',
  cancelReasonCode: 'CLIENT_REQUEST',
  cancelReasonText: 'Вы попросили отменить заявку по телефону.',
  deadlineKind: 'link',
  newDeadline: '2026-12-05T15:30:00Z',
  deadlineChange: 'extended',
  unavailableReason: 'COURSE_CLOSED',
};
const secrets = { link: 'https://otus.example/l/tok_123', signingCode: '482915' };
const view = (overrides: Partial<typeof vars> = {}, withSecrets: typeof secrets | object = secrets) =>
  emailView({ ...vars, ...overrides }, withSecrets, 'Europe/Moscow');
/** Text with the non-breaking spaces of ru-RU formats made plain. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

/** What a template requires beyond the shared fixture. */
const required: Partial<Record<EmailTemplate, Partial<typeof vars>>> = {
  'signing-reminder': { signDeadline: '2026-12-07T20:59:00Z' },
  'staff-notice': { staffEvent: 'declined', staffReason: 'Дорого', occurredAt: '2026-12-04T09:30:00Z' },
  'staff-digest': {
    digestDate: '2026-12-04',
    digestItems: [
      {
        staffEvent: 'concluded',
        applicationId: 'app-1',
        crmApplicationId: 'crm-1',
        staffReason: null,
        occurredAt: '2026-12-03T10:00:00Z',
      },
    ],
  },
};

describe('e-mail templates', () => {
  it.each(EMAIL_TEMPLATES)('renders %s in Russian, as HTML and as text, with nothing left unfilled', (name) => {
    const mail = templates.render(name, view(required[name]));
    expect(mail.subject).toMatch(/[А-Яа-яЁё]/);
    expect(mail.subject).not.toMatch(/\n/);
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain('Здравствуйте, Иван Петров!');
      expect(body).not.toMatch(/\{\{|\}\}|undefined|null/);
    }
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.text).not.toMatch(/<[a-z]/i);
  });

  describe('to staff', () => {
    const staff = (overrides: Partial<typeof vars>) =>
      emailView(
        { ...vars, clientName: 'коллеги', courseCode: 'NODE-2027', crmApplicationId: 'crm-42', ...overrides },
        {},
        'Europe/Moscow',
      );

    it.each([
      ['concluded', 'Договор заключён'],
      ['declined', 'Клиент отказался от договора'],
      ['signing-locked', 'Подписание приостановлено'],
      ['cancelled', 'Заявка отменена'],
    ])('staff-notice %s: the event in the subject, the ids and the reason in the body', (staffEvent, label) => {
      const mail = templates.render(
        'staff-notice',
        staff({ staffEvent, staffReason: 'Дорого', occurredAt: '2026-12-04T09:30:00Z' }),
      );
      expect(mail.subject).toBe(`${label}: курс «Node.js Developer»`);
      for (const body of [mail.text, plain(mail.html)]) {
        expect(body).toContain('Здравствуйте, коллеги!');
        expect(body).toContain('app-1');
        expect(body).toContain('crm-42');
        expect(body).toContain('Причина: Дорого');
        expect(plain(body)).toContain('4 декабря 2026 г. в 12:30');
      }
    });

    it('staff-notice without a reason or a CRM id says neither', () => {
      const mail = templates.render(
        'staff-notice',
        staff({
          staffEvent: 'concluded',
          staffReason: null,
          crmApplicationId: null,
          occurredAt: '2026-12-04T09:30:00Z',
        }),
      );
      expect(mail.text).not.toMatch(/Причина|в CRM/);
    });

    it('staff-digest lists each event of the day with its ids', () => {
      const item = (staffEvent: string, applicationId: string, staffReason: string | null) => ({
        staffEvent,
        applicationId,
        crmApplicationId: `crm-${applicationId}`,
        staffReason,
        occurredAt: '2026-12-03T10:00:00Z',
      });
      const mail = templates.render(
        'staff-digest',
        staff({
          digestDate: '2026-12-04',
          digestItems: [
            item('concluded', 'a-1', null),
            item('declined', 'a-2', 'Дорого'),
            item('cancelled', 'a-3', 'DUPLICATE'),
          ],
        }),
      );
      expect(mail.subject).toBe('Сводка за 4 декабря 2026 г.: курс «Node.js Developer»');
      expect(mail.text).toMatch(
        /Договор заключён[\s\S]*a-1[\s\S]*Клиент отказался от договора[\s\S]*Причина: Дорого[\s\S]*a-2/,
      );
      expect(mail.text).toContain('crm-a-3');
      expect(mail.html.match(/<li/g)).toHaveLength(3);
    });
  });

  it('has its own text for every rejection reason, and a general one for others', () => {
    const texts = [...REJECT_REASONS, 'SOMETHING_NEW'].map(
      (rejectReason) => templates.render('rejected', view({ rejectReason })).text,
    );
    expect(new Set(texts).size).toBe(REJECT_REASONS.length + 1);
    expect(texts[0]).toContain('не найден в нашем каталоге');
    expect(texts[3]).toContain('не осталось свободных мест');
  });

  it('shows money and dates the Russian way', () => {
    const { text } = templates.render('draft-ready', view());
    const plain = text.replace(/[\u00a0\u202f]/g, ' ');
    expect(plain).toContain('Стоимость курса: 99 000,00 ₽');
    expect(plain).toContain('Скидка по промокоду: −9 900,00 ₽');
    expect(plain).toContain('Итого к оплате: 89 100,00 ₽');
    expect(plain).toContain('Старт занятий: 10 декабря 2026 г.');
    expect(plain).toContain('Промокод применён');
    const link = templates.render('link', view()).text.replace(/[\u00a0\u202f]/g, ' ');
    expect(link).toContain('Ссылка действует до 30 ноября 2026 г. в 12:00 (GMT+3)');
  });

  it('says why a promo code gave nothing, and nothing when there was none', () => {
    const expired = templates.render('draft-ready', view({ promoStatus: 'PROMO_EXPIRED', discountKopecks: 0 })).text;
    expect(expired).toContain('Срок действия указанного промокода истёк');
    expect(expired).not.toContain('Скидка');
    const none = templates.render('draft-ready', view({ promoStatus: 'NONE', discountKopecks: 0 })).text;
    expect(none).not.toContain('промокод');
  });

  it('escapes values in HTML but not in the text and subject', () => {
    const mail = templates.render('declined', view({ clientName: 'Анна <b>&</b>', courseTitle: 'C & C++' }));
    expect(mail.html).toContain('Анна &lt;b&gt;&amp;&lt;/b&gt;');
    expect(mail.text).toContain('Анна <b>&</b>');
    expect(mail.subject).toBe('Вы отказались от договора на курс «C & C++»');
  });

  it('keeps a line break in a value out of the subject', () => {
    expect(templates.render('signed', view({ courseTitle: 'A\r\nBcc: x@evil.test' })).subject).toBe(
      'Договор на курс «A Bcc: x@evil.test» подписан',
    );
  });

  describe('cancelled', () => {
    it('says the school cancelled the application, and shows the reason text the client is to read', () => {
      const mail = templates.render('cancelled', view());
      expect(mail.subject).toBe('Заявка на курс «Node.js Developer» отменена');
      for (const body of [mail.html, mail.text]) {
        expect(body).toContain('Ваша заявка на обучение по курсу «Node.js Developer» отменена школой');
        expect(body).toContain('Причина отмены: Вы попросили отменить заявку по телефону.');
        expect(body).not.toContain('CLIENT_REQUEST');
      }
    });

    it.each([null, undefined, '', '   '])('says nothing of a reason when the text is %p', (cancelReasonText) => {
      const mail = templates.render('cancelled', view({ cancelReasonText }));
      expect(mail.text).toContain('отменена школой');
      expect(mail.html + mail.text).not.toContain('Причина');
      expect(mail.text).not.toMatch(/\n{3}/);
    });

    it('does without a course title', () => {
      const mail = templates.render('cancelled', view({ courseTitle: null }));
      expect(mail.subject).toBe('Заявка на курс отменена');
      expect(mail.text).toContain('Ваша заявка на обучение отменена школой');
    });

    it('escapes the reason text in HTML', () => {
      const mail = templates.render('cancelled', view({ cancelReasonText: '<script>x</script> & co' }));
      expect(mail.html).toContain('Причина отмены: &lt;script&gt;x&lt;/script&gt; &amp; co');
      expect(mail.text).toContain('Причина отмены: <script>x</script> & co');
    });
  });

  describe('deadline-changed', () => {
    describe('extended', () => {
      it('link: the new deadline to fill in the data, in the school time zone, and the button to the link', () => {
        const mail = templates.render('deadline-changed', view({ deadlineKind: 'link' }));
        expect(mail.subject).toBe('Срок оформления договора на курс «Node.js Developer» продлён');
        for (const body of [plain(mail.html), plain(mail.text)]) {
          expect(body).toContain('Мы продлили срок оформления договора на курс «Node.js Developer».');
          expect(body).toContain('Ссылка для оформления теперь действует до 5 декабря 2026 г. в 18:30 (GMT+3).');
          expect(body).not.toContain('Подписать договор можно');
          expect(body).not.toContain('изменились');
        }
        expect(mail.html).toContain('href="https://otus.example/l/tok_123"');
        expect(mail.html).toContain('Продолжить оформление');
        expect(mail.text).toContain('Продолжить оформление:\nhttps://otus.example/l/tok_123\n');
      });

      it('signing: the new deadline to sign', () => {
        const mail = templates.render('deadline-changed', view({ deadlineKind: 'signing' }));
        expect(mail.subject).toBe('Срок подписания договора на курс «Node.js Developer» продлён');
        for (const body of [plain(mail.html), plain(mail.text)]) {
          expect(body).toContain('Мы продлили срок подписания договора на курс «Node.js Developer».');
          expect(body).toContain('Подписать договор можно до 5 декабря 2026 г. в 18:30 (GMT+3).');
          expect(body).not.toContain('Ссылка для оформления');
        }
        expect(mail.text).toContain('Открыть договор:\nhttps://otus.example/l/tok_123\n');
      });
    });

    describe('shortened', () => {
      it('link: the deadline moved earlier because the course dates changed, with the new date and the link', () => {
        const mail = templates.render('deadline-changed', view({ deadlineKind: 'link', deadlineChange: 'shortened' }));
        expect(mail.subject).toBe('Срок оформления договора на курс «Node.js Developer» сокращён');
        for (const body of [plain(mail.html), plain(mail.text)]) {
          expect(body).toContain(
            'Даты курса «Node.js Developer» изменились, поэтому срок оформления договора перенесён на более раннюю дату.',
          );
          expect(body).toContain('Ссылка для оформления теперь действует до 5 декабря 2026 г. в 18:30 (GMT+3).');
          expect(body).toContain('После этого заявка будет закрыта.');
          expect(body).not.toMatch(/продл/);
        }
        expect(mail.html).toContain('href="https://otus.example/l/tok_123"');
        expect(mail.text).toContain('Продолжить оформление:\nhttps://otus.example/l/tok_123\n');
      });

      it('signing: the signing deadline moved earlier', () => {
        const mail = templates.render(
          'deadline-changed',
          view({ deadlineKind: 'signing', deadlineChange: 'shortened' }),
        );
        expect(mail.subject).toBe('Срок подписания договора на курс «Node.js Developer» сокращён');
        for (const body of [plain(mail.html), plain(mail.text)]) {
          expect(body).toContain(
            'Даты курса «Node.js Developer» изменились, поэтому срок подписания договора перенесён на более раннюю дату.',
          );
          expect(body).toContain('Подписать договор можно до 5 декабря 2026 г. в 18:30 (GMT+3).');
          expect(body).not.toMatch(/продл|Ссылка для оформления/);
        }
        expect(mail.text).toContain('Открыть договор:\nhttps://otus.example/l/tok_123\n');
      });
    });

    it.each([
      ['link', 'extended'],
      ['signing', 'extended'],
      ['link', 'shortened'],
      ['signing', 'shortened'],
    ] as const)('%s, %s: no button without a link', (deadlineKind, deadlineChange) => {
      const mail = templates.render('deadline-changed', view({ deadlineKind, deadlineChange }, {}));
      expect(mail.html).not.toContain('<a ');
      expect(mail.text).not.toMatch(/https?:/);
      expect(plain(mail.text)).toContain('до 5 декабря 2026 г. в 18:30 (GMT+3).');
      expect(mail.text).not.toMatch(/\n{3}/);
    });
  });

  describe('signing-reminder', () => {
    const signDeadline = '2026-12-07T20:59:00Z';

    it('says until when to sign, in the subject and the body, and that the seat is released after that', () => {
      const mail = templates.render('signing-reminder', view({ signDeadline }));
      expect(plain(mail.subject)).toBe(
        'Напоминание: подпишите договор на курс «Node.js Developer» до 7 декабря 2026 г. в 23:59 (GMT+3)',
      );
      for (const body of [plain(mail.html), plain(mail.text)]) {
        expect(body).toContain('Договор на обучение по курсу «Node.js Developer» по-прежнему ждёт вашей подписи.');
        expect(body).toContain('Подписать его можно до 7 декабря 2026 г. в 23:59 (GMT+3).');
        expect(body).toContain(
          'После этого заявка будет закрыта, а забронированное для вас место на курсе — освобождено.',
        );
        expect(body).toContain('код для подписи придёт отдельным письмом');
      }
    });

    it('has a button to the link when there is one, and none without', () => {
      const mail = templates.render('signing-reminder', view({ signDeadline }));
      expect(mail.html).toContain('href="https://otus.example/l/tok_123"');
      expect(mail.text).toContain('Открыть договор:\nhttps://otus.example/l/tok_123\n');
      const without = templates.render('signing-reminder', view({ signDeadline }, {}));
      expect(without.html).not.toContain('<a ');
      expect(without.text).not.toMatch(/https?:|Открыть договор/);
    });
  });

  it('link: a reissued link says it is new and the previous one no longer works, in words that fit the form and the signing; otherwise the text is as before', () => {
    const mail = templates.render('link', view({ linkReissued: true }));
    expect(mail.subject).toBe('Новая ссылка для оформления договора на курс «Node.js Developer»');
    for (const body of [plain(mail.html), plain(mail.text)]) {
      expect(body).toContain(
        'Мы отправляем вам новую ссылку для оформления договора на курс «Node.js Developer». Предыдущая ссылка больше не действует.',
      );
      expect(body).toContain('Откройте ссылку, чтобы продолжить оформление договора');
      expect(body).toContain('Ссылка действует до 30 ноября 2026 г. в 12:00 (GMT+3).');
      expect(body).not.toMatch(/Вы оставили заявку|заполните данные/);
    }
    expect(mail.html).toContain('href="https://otus.example/l/tok_123"');
    expect(mail.text).toContain('продолжить оформление договора:\nhttps://otus.example/l/tok_123\n');

    for (const linkReissued of [undefined, null, false]) {
      const first = templates.render('link', view({ linkReissued }));
      expect(first.subject).toBe('Оформление договора на курс «Node.js Developer»');
      for (const body of [first.html, first.text]) {
        expect(body).toContain('Вы оставили заявку на курс «Node.js Developer».');
        expect(body).toContain('перейдите по ссылке, заполните данные и подпишите договор онлайн');
        expect(body).not.toMatch(/новую ссылку|Предыдущая/);
      }
    }
  });

  it('course-unavailable: its own text for every reason, and a general one for others', () => {
    const mails = [...UNAVAILABLE_REASONS, 'SOMETHING_NEW'].map((unavailableReason) =>
      templates.render('course-unavailable', view({ unavailableReason })),
    );
    expect(new Set(mails.map((m) => m.text)).size).toBe(UNAVAILABLE_REASONS.length + 1);
    const phrases = [
      'Курс «Node.js Developer» закрыт: школа больше не проводит набор на него.',
      'Набор на курс «Node.js Developer» закрыт',
      'Курс «Node.js Developer» уже начался',
      'Курс «Node.js Developer» больше не принимает новых студентов.',
    ];
    mails.forEach((mail, i) => {
      expect(mail.subject).toBe('Курс «Node.js Developer» недоступен для записи');
      expect(mail.html).toContain(phrases[i]);
      expect(mail.text).toContain(phrases[i]);
      expect(mail.text).toContain('заявка закрыта');
      expect(mail.text).not.toMatch(/COURSE_|ENROLMENT_|SOMETHING/);
    });
  });

  it('draft-ready: says until when the contract can be signed, when signDeadline is given', () => {
    const mail = templates.render('draft-ready', view({ signDeadline: '2026-12-07T20:59:00Z' }));
    for (const body of [plain(mail.html), plain(mail.text)]) {
      expect(body).toContain('Подписать договор можно до 7 декабря 2026 г. в 23:59 (GMT+3).');
    }
    const without = templates.render('draft-ready', view());
    expect(without.html + without.text).not.toContain('Подписать договор можно');
  });
});
