import 'reflect-metadata';
import { DomainError } from '@otus/common';
import type { Response } from 'express';
import type { ApplicationDocument } from '../applications/application.schema';
import type { ClientService, ClientState, ClientView } from '../client/client.service';
import { DECLINE_REASONS } from '@otus/common';
import type { CodeState, SigningService } from '../signing/signing.service';
import { ClientPagesService } from './client-pages.service';
import { PageAssets } from './page-assets';
import { clientMessage, fieldErrors, outcomePage } from './page-messages';
import { PAGE_CSP, PageRenderer } from './page-renderer';

// The services are stand-ins here; their modules pull in Mongoose schemas this unit test does not need.
jest.mock('../signing/signing.service', () => ({ SigningService: class {} }));
jest.mock('../client/client.service', () => ({ ClientService: class {} }));

const ID = '6fde212c-2952-44b6-80a3-f69f0c8a0b69';
const NOW = new Date('2026-11-23T16:30:00Z');

function view(state: ClientState, overrides: Partial<ClientView> = {}): ClientView {
  return {
    applicationId: ID,
    state,
    outcome: null,
    outcomeReason: null,
    clientName: 'Анна Смирнова',
    course: {
      code: 'NODE-1',
      title: 'Разработчик Node.js',
      startDate: '2026-12-23',
      priceKopecks: 9_900_000,
      discountKopecks: null,
      finalPriceKopecks: null,
      promoStatus: null,
    },
    linkExpiresAt: '2026-11-26T16:31:00Z',
    signDeadline: state === 'SIGNING' ? '2026-11-28T09:00:00Z' : null,
    cancelReasonText: null,
    documents: { draft: state === 'SIGNING', signed: state === 'CONCLUDED' },
    corrections: { max: 2, used: 0, left: 2, allowed: state === 'SIGNING' },
    ...overrides,
  };
}

const application = {
  _id: ID,
  clientEmail: 'anna@example.test',
  clientPhone: '+79991234567',
  promoCode: null,
  signature: { signedAt: new Date('2026-11-23T16:31:42Z') },
} as unknown as ApplicationDocument;

/** What the client submitted, as ClientService.correctionValues opens it. */
const SUBMITTED = {
  fullName: 'Смирнова Анна Петровна',
  birthDate: '1990-05-17',
  passportSeries: '4510',
  passportNumber: '123456',
  passportIssuedBy: 'ГУ МВД России по г. Москве',
  passportIssueDate: '2015-06-01',
  address: 'г. Москва, ул. Тверская, д. 1, кв. 1',
  phone: '+79991234567',
};

function pages(v: ClientView, code: CodeState | null = null) {
  const clients = {
    view: async () => v,
    correctionValues: () => SUBMITTED,
    privacyPolicy: { policyUrl: 'https://school.example/privacy?from=form&lang=ru', policyVersion: '2026-11' },
  } as unknown as ClientService;
  const signing = { state: async () => code } as unknown as SigningService;
  return new ClientPagesService(clients, signing);
}

const renderer = new PageRenderer(new PageAssets());
const html = async (v: ClientView, code: CodeState | null = null, extras = {}) => {
  const { page, data } = await pages(v, code).screen(application, extras, NOW);
  // Handlebars writes `=` in attributes as &#x3D;, which a browser reads as `=`.
  return {
    page,
    data,
    html: renderer
      .render(page, data)
      .replace(/\s+/g, ' ')
      .replace(/&#x3D;/g, '='),
  };
};

describe('the client page by state', () => {
  it('FORM: the fields with their HTML rules, the course and its price in rubles', async () => {
    const { page, html: out } = await html(view('FORM'));
    expect(page).toBe('form');
    expect(out).toContain('<html lang="ru">');
    expect(out).toContain('Курс «Разработчик Node.js»');
    expect(out).toContain('99 000,00 ₽');
    expect(out).toContain('23 декабря 2026 г.');
    expect(out).toMatch(
      /<input class="field__control" id="f-passportSeries" name="passportSeries" type="text" value="" required="" autocomplete="off" inputmode="numeric" pattern="[^"]+"/,
    );
    // The address is the CRM's, shown read-only and never a form field.
    expect(out).toContain('id="f-email-fixed" type="email" value="anna@example.test" readonly');
    expect(out).not.toContain('name="email"');
    expect(out).toContain('aria-describedby="f-fullName-hint"');
    expect(out).not.toContain('aria-invalid');
    expect(out).not.toContain('error-summary');
    // The consent box: unticked, required, naming the policy (its link and version) the audit records.
    expect(out).toContain(
      '<input class="field__checkbox" id="f-consent" name="consent" type="checkbox" value="yes" required data-msg-missing="Без согласия на обработку персональных данных договор не заключить">',
    );
    expect(out).toContain(
      '<a href="https://school.example/privacy?from=form&amp;lang=ru" target="_blank" rel="noopener">',
    );
    expect(out).toContain('(редакция 2026-11)');
  });

  it('FORM after a refusal: summary with links, messages tied to their fields, values kept and escaped', async () => {
    const { html: out, data } = await html(view('FORM'), null, {
      form: {
        values: { fullName: '"><script>alert(1)</script>', passportSeries: '45' },
        errors: { fullName: 'ФИО может содержать только буквы', passportSeries: 'Серия паспорта — 4 цифры' },
      },
    });
    expect(data.title).toBe('Ошибка: данные для договора');
    expect(out).toContain('<a href="#f-passportSeries">Серия: Серия паспорта — 4 цифры</a>');
    expect(out).toContain('aria-describedby="f-passportSeries-error f-passportSeries-hint" aria-invalid="true"');
    expect(out).toContain('value="45"');
    expect(out).not.toContain('<script>alert');
    expect(out).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('FORM refused for the consent: in the summary, tied to the box; a box ticked before stays ticked', async () => {
    const message = 'Без согласия на обработку персональных данных договор не заключить';
    const refused = await html(view('FORM'), null, { form: { values: {}, errors: { consent: message } } });
    expect(refused.html).toContain(`<a href="#f-consent">Согласие на обработку персональных данных: ${message}</a>`);
    expect(refused.html).toContain('required aria-invalid="true" aria-describedby="f-consent-error"');
    expect(refused.html).toContain(`<p class="field__error" id="f-consent-error">`);
    const kept = await html(view('FORM'), null, {
      form: { values: { consent: 'yes' }, errors: { passportSeries: 'Серия паспорта — 4 цифры' } },
    });
    expect(kept.html).toContain('value="yes" required checked');
  });

  it('shows a discount and the final price once the promo code is known', async () => {
    const { html: out } = await html(
      view('SIGNING', {
        course: {
          ...view('SIGNING').course,
          discountKopecks: 990_000,
          finalPriceKopecks: 8_910_000,
          promoStatus: 'APPLIED',
        },
      }),
    );
    expect(out).toContain('−9 900,00 ₽');
    expect(out).toContain('К оплате</dt><dd>89 100,00 ₽');
    expect(out).toContain('Промокод применён.');
  });

  it.each([
    ['PREPARING_DRAFT', 'Готовим проект договора'],
    ['FINALIZING', 'Договор подписан, оформляем документы'],
  ] as const)('%s: a page that reloads itself', async (state, heading) => {
    const { page, html: out } = await html(view(state));
    expect(page).toBe('progress');
    expect(out).toContain('<meta http-equiv="refresh" content="3">');
    expect(out).toContain(heading);
  });

  it('SIGNING before a code: the draft to read, the button, the way out', async () => {
    const { page, html: out } = await html(view('SIGNING'));
    expect(page).toBe('signing');
    expect(out).toContain(`src="/client/api/applications/${ID}/documents/draft#navpanes=0&amp;view=FitH"`);
    expect(out).toContain(`href="/client/api/applications/${ID}/documents/draft?download=1"`);
    expect(out).toContain('>Получить код</button>');
    expect(out).not.toContain('name="signingCode"');
    expect(out).toContain(`href="/client/${ID}/decline"`);
  });

  it('SIGNING with a code sent: the entry field, and the resend waits out the minute', async () => {
    const code: CodeState = {
      sentAt: '2026-11-23T16:29:40Z',
      expiresAt: '2026-11-23T16:39:40Z',
      attemptsLeft: 4,
      locked: false,
      canResendAt: '2026-11-23T16:30:40Z',
      codesLeft: 2,
      signingLocked: false,
    };
    const { html: out } = await html(view('SIGNING'), code, { signing: { codeError: 'Неверный код.', code: '1' } });
    expect(out).toContain('Код отправлен на a***@example.test в 19:29:40 (МСК)');
    expect(out).toContain('осталось 4 попытки');
    expect(out).toContain('inputmode="numeric" autocomplete="one-time-code"');
    expect(out).toContain('aria-invalid="true"');
    expect(out).toContain('data-available-at="2026-11-23T16:30:40.000Z"');
    expect(out).toContain('>Получить новый код</button>');
  });

  it('SIGNING with an expired or locked code asks for a new one', async () => {
    const base = {
      sentAt: '2026-11-23T16:00:00Z',
      attemptsLeft: 5,
      canResendAt: '2026-11-23T16:01:00Z',
      codesLeft: 2,
      signingLocked: false,
    };
    const expired = await html(view('SIGNING'), { ...base, expiresAt: '2026-11-23T16:10:00Z', locked: false });
    expect(expired.html).toContain('Срок действия кода истёк');
    expect(expired.html).not.toContain('name="signingCode"');
    const locked = await html(view('SIGNING'), { ...base, expiresAt: '2026-11-23T16:40:00Z', locked: true });
    expect(locked.html).toContain('Код заблокирован');
  });

  it('SIGNING_LOCKED: a clear page that names no code form and says the school will unlock it', async () => {
    const { page, html: out } = await html(view('SIGNING_LOCKED'));
    expect(page).toBe('ended');
    expect(out).toContain('Подписание приостановлено');
    expect(out).toContain('снова откроет подписание');
    expect(out).toContain('a***@example.test');
    expect(out).not.toContain('name="signingCode"');
  });

  it('SIGNING, decline step: a page of its own with a reason to choose and words to add', async () => {
    const { page, html: out } = await html(view('SIGNING'), null, { decline: { reason: '', reasonCode: null } });
    expect(page).toBe('decline');
    expect(out).toContain(`action="/client/${ID}/decline"`);
    expect(out).toContain('name="reason"');
    for (const [code, label] of Object.entries(DECLINE_REASONS)) {
      expect(out).toContain(`name="reasonCode" type="radio" value="${code}">`);
      expect(out).toContain(label);
    }
  });

  it('SIGNING, decline step refused: the chosen reason stays chosen, the error beside the words', async () => {
    const { html: out } = await html(view('SIGNING'), null, {
      decline: { reason: '', reasonCode: 'OTHER', error: 'Напишите, пожалуйста, причину' },
    });
    expect(out).toContain('value="OTHER" checked>');
    expect(out).toContain('Напишите, пожалуйста, причину');
    expect(out).toContain('aria-invalid="true"');
  });

  it('CONCLUDED: the signed contract to view and download', async () => {
    const { page, html: out } = await html(view('CONCLUDED'));
    expect(page).toBe('concluded');
    expect(out).toContain('Договор подписан 23 ноября 2026 г. в 19:31 (МСК)');
    expect(out).toContain(`/client/api/applications/${ID}/documents/signed?download=1`);
  });

  it.each(['REJECTED', 'LINK_EXPIRED', 'NO_SEATS', 'SIGNING_EXPIRED', 'FAILED', 'CANCELLED', 'COURSE_UNAVAILABLE'])(
    'ENDED %s: its own words',
    async (outcome) => {
      const { page, data } = await html(view('ENDED', { outcome }));
      expect(page).toBe('ended');
      expect(data.title).toBe(outcomePage(outcome, null).title);
    },
  );

  it('gives every outcome a distinct page', () => {
    const titles = [
      'DECLINED',
      'REJECTED',
      'LINK_EXPIRED',
      'NO_SEATS',
      'SIGNING_EXPIRED',
      'FAILED',
      'CANCELLED',
      'COURSE_UNAVAILABLE',
    ].map((o) => outcomePage(o, null).title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it("CANCELLED: the school's words reach the client, escaped", async () => {
    const { out } = await html(
      view('ENDED', {
        outcome: 'CANCELLED',
        outcomeReason: 'CLIENT_REQUEST',
        cancelReasonText: 'Перенос <b>на май</b>',
      }),
    ).then((r) => ({ out: r.html }));
    expect(out).toContain('Заявка отменена');
    expect(out).toContain('Перенос &lt;b&gt;на май&lt;/b&gt;');
  });

  it.each([
    ['COURSE_STARTED', 'Этот курс уже начался.'],
    ['ENROLMENT_CLOSED', 'Набор на этот курс завершился.'],
    ['COURSE_CLOSED', 'Школа закрыла набор на этот курс.'],
  ])('COURSE_UNAVAILABLE %s says why', (reason, words) => {
    expect(outcomePage('COURSE_UNAVAILABLE', reason).lead).toContain(words);
  });

  it('SIGNING shows until when the draft can be signed, in Moscow time', async () => {
    const { html: out } = await html(view('SIGNING'));
    expect(out).toContain('Подпишите договор до 28 ноября 2026 г. в 12:00 (МСК)');
  });

  it('SIGNING offers «Исправить данные» while corrections are left, and says how many', async () => {
    const { html: out } = await html(view('SIGNING'));
    expect(out).toContain(`<a class="button button--secondary" href="/client/${ID}/correction">Исправить данные</a>`);
    expect(out).toContain('Исправить данные можно ещё 2 раза.');
    expect(out).toContain('Срок подписания не изменится.');

    const last = await html(view('SIGNING', { corrections: { max: 2, used: 1, left: 1, allowed: true } }));
    expect(last.html).toContain('Исправить данные можно ещё 1 раз.');
    expect(last.html).toContain('Проект составлен по исправленным данным; прежний проект отозван.');

    const spent = await html(view('SIGNING', { corrections: { max: 2, used: 2, left: 0, allowed: false } }));
    expect(spent.html).not.toContain('/correction"');
    expect(spent.html).toContain('Данные больше исправить нельзя.');
  });

  it('SIGNING without corrections (CONTRACT_MAX_CORRECTIONS=0) shows neither the button nor the card', async () => {
    const { html: out } = await html(view('SIGNING', { corrections: { max: 0, used: 0, left: 0, allowed: false } }));
    expect(out).not.toContain('Исправить данные');
    expect(out).not.toContain('Ошиблись в данных?');
  });

  it('the correction form: prefilled with what was submitted, the notice, no promo code to change, no e-mail field', async () => {
    const app = { ...application, promoCode: 'SPRING10' } as unknown as ApplicationDocument;
    const { page, data } = await pages(view('SIGNING')).screen(app, { correction: {} }, NOW);
    expect(page).toBe('form');
    const out = renderer
      .render(page, data)
      .replace(/\s+/g, ' ')
      .replace(/&#x3D;/g, '=');
    expect(out).toContain('<h1>Исправление данных</h1>');
    expect(out).toContain(`action="/client/${ID}/correction"`);
    expect(out).toContain('value="Смирнова Анна Петровна"');
    expect(out).toContain('value="4510"');
    expect(out).toContain('>г. Москва, ул. Тверская, д. 1, кв. 1</textarea>');
    expect(out).toContain('Текущий проект договора будет отозван');
    expect(out).toContain('пришлём на a***@example.test');
    expect(out).toContain('Срок подписания не изменится: подпишите договор до 28 ноября 2026 г. в 12:00 (МСК).');
    expect(out).toContain('После этого исправления данные можно будет исправить ещё 1 раз.');
    // The promo code is shown read-only and not sent; the e-mail is not a field either.
    expect(out).toContain('value="SPRING10" readonly');
    expect(out).not.toContain('name="promoCode"');
    expect(out).not.toContain('name="email"');
    expect(out).not.toContain('data-promo-check');

    const last = await pages(view('SIGNING', { corrections: { max: 2, used: 1, left: 1, allowed: true } })).screen(
      application,
      { correction: {} },
      NOW,
    );
    expect(renderer.render(last.page, last.data)).toContain('Это последнее исправление');
  });

  it('PREPARING_DRAFT after a correction says a new draft is being made, the seat and the deadline kept', async () => {
    const { page, html: out } = await html(
      view('PREPARING_DRAFT', { corrections: { max: 2, used: 1, left: 1, allowed: false } }),
    );
    expect(page).toBe('progress');
    expect(out).toContain('Составляем новый проект договора по исправленным данным');
  });

  it('the correction form after a refusal keeps what was typed and shows the messages', async () => {
    const { html: out } = await html(view('SIGNING'), null, {
      correction: { values: { ...SUBMITTED, fullName: 'Ф' }, errors: { fullName: 'Укажите фамилию, имя и отчество' } },
    });
    expect(out).toContain('<h1>Исправление данных</h1>');
    expect(out).toContain('value="Ф"');
    expect(out).toContain('Укажите фамилию, имя и отчество');
  });

  it('no correction form once corrections are spent: the signing page instead', async () => {
    const { page } = await html(view('SIGNING', { corrections: { max: 2, used: 2, left: 0, allowed: false } }), null, {
      correction: {},
    });
    expect(page).toBe('signing');
  });

  it('FORM asks the promo service as the code is typed: the check, the course and the price on the form', async () => {
    const { html: out } = await html(view('FORM'));
    expect(out).toContain(
      'data-promo-check="/api/promo/public/promo-codes/check" data-course-code="NODE-1" data-price-kopecks="9900000"',
    );
    expect(out).toContain(
      '<p class="field__live" id="f-promoCode-live" aria-live="polite" data-promo-result hidden></p>',
    );
    // Without a known price there is nothing to ask with.
    const unknown = await html(view('FORM', { course: { ...view('FORM').course, priceKopecks: null } }));
    expect(unknown.html).not.toContain('data-promo-check');
  });
});

describe('the messages', () => {
  it.each([
    [5, 'Неверный код. Осталось 5 попыток.'],
    [2, 'Неверный код. Осталось 2 попытки.'],
    [1, 'Неверный код. Осталась 1 попытка.'],
  ])('a wrong code with %i tries left', (attemptsLeft, text) => {
    expect(clientMessage(new DomainError('CODE_INVALID', 'x', { details: { attemptsLeft } }))).toBe(text);
  });

  it('says when a new code may be asked for', () => {
    const error = new DomainError('CODE_RESEND_TOO_SOON', 'x', { details: { canResendAt: '2026-11-23T16:30:42Z' } });
    expect(clientMessage(error, NOW)).toBe(
      'Код уже отправлен — проверьте почту. Новый можно получить через 42 секунды, в 19:30:42 (МСК).',
    );
  });

  it('says why the data cannot be corrected', () => {
    const limit = new DomainError('CORRECTION_LIMIT_REACHED', 'x', { details: { maxCorrections: 2, used: 2 } });
    expect(clientMessage(limit)).toBe(
      'Данные уже исправлены 2 раза — больше исправить их нельзя. Если в договоре ошибка, откажитесь от него или напишите в школу.',
    );
    expect(clientMessage(new DomainError('CORRECTION_NOT_ALLOWED', 'x'))).toBe(
      'Сейчас исправить данные нельзя: договор не ждёт подписи.',
    );
  });

  it('never shows an English message', () => {
    for (const code of ['CODE_EXPIRED', 'CODE_LOCKED', 'CODE_NOT_SENT', 'CORRECTION_LIMIT_REACHED', 'SOMETHING_NEW']) {
      expect(clientMessage(new DomainError(code, 'English text'))).toMatch(/^[^A-Za-z]+$/);
    }
  });

  it('reads field errors from either kind of VALIDATION_FAILED details', () => {
    const error = new DomainError('VALIDATION_FAILED', 'x', {
      details: [
        { field: 'fullName', errors: ['А', 'Б'] },
        { field: 'birthDate', errors: ['В'] },
      ],
    });
    expect(fieldErrors(error)).toEqual({ fullName: 'А. Б', birthDate: 'В' });
  });
});

describe('the renderer', () => {
  it('sends pages uncached with a strict CSP', () => {
    const sent: { status?: number; headers?: Record<string, string>; body?: string } = {};
    const res = {
      status(s: number) {
        sent.status = s;
        return this;
      },
      set(h: Record<string, string>) {
        sent.headers = h;
        return this;
      },
      send(b: string) {
        sent.body = b;
        return this;
      },
    } as unknown as Response;
    renderer.send(res, 'message', { title: 'Т', lead: 'Л', next: 'Н' }, 404);
    sent.body = sent.body!.replace(/&#x3D;/g, '=');
    expect(sent.status).toBe(404);
    expect(sent.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Content-Security-Policy': PAGE_CSP });
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    expect(sent.body).toMatch(/<link rel="stylesheet" href="\/client\/assets\/app\.css\?v=[0-9a-f]{12}">/);
    expect(sent.body).not.toMatch(/<script>|style="/);
  });
});
