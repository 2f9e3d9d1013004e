import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskEmail } from '@otus/common';
import {
  mailsTo,
  type ReceivedMail,
  REPO_ROOT,
  uniqueAddress,
  waitFor,
  application,
  crm,
  openCourse,
  processOf,
  stackEnv,
  EngineApi,
} from '@otus/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { artifact, pdfPageCount, pdfPagePng, pdfText, screenshot, usePhone } from './support/browser';

const env = stackEnv();
const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);

/**
 * The client's whole journey in a real browser, through the real gateway and workers: the link
 * from the e-mail, the form (wrong, then right), the draft, the code from the e-mail (wrong,
 * then right), the signed contract downloaded from the page. Screenshots of every page at
 * phone size go to reports/artifacts/.
 */
const MINUTE = 60_000;
const COURSE_TITLE = 'Разработчик Node.js';
const FULL_NAME = 'Смирнова Анна Викторовна';
const gateway = env.GATEWAY_URL;

const phone = usePhone();

/** The DOM as these callbacks use it (the project compiles without the DOM library). */
interface FormControl {
  checkValidity(): boolean;
  validationMessage: string;
}
interface FormElement {
  noValidate: boolean;
  submit(): void;
}
/** Turns the browser's own checks off, as a browser without them would send the form. */
const noBrowserChecks = (form: FormElement) => {
  form.noValidate = true;
};

const normalized = (s: string) => s.replace(/\s+/g, ' ');
const mailsWith = async (address: string, subject: RegExp) =>
  (await mailsTo(address)).filter((m) => subject.test(m.subject));

/** The link exactly as the notification service wrote it into the client's e-mail. */
async function linkFromEmail(address: string): Promise<string> {
  const [mail] = await waitFor(
    'the link e-mail',
    async () => {
      const found = await mailsWith(address, /^Оформление договора/);
      return found.length ? found : undefined;
    },
    { timeoutMs: MINUTE },
  );
  const url = /https?:\/\/\S+\/l\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  if (!url) throw new Error(`no link in the e-mail: ${mail.text}`);
  // The stack's CLIENT_BASE_URL is the gateway; keep the path, whatever host the e-mail names.
  return `${gateway}${new URL(url).pathname}`;
}

async function codeFromEmail(address: string, after: ReceivedMail[]): Promise<string> {
  const seen = new Set(after.map((m) => m.id));
  const mail = await waitFor(
    'the signing-code e-mail',
    async () => (await mailsWith(address, /^Код для подписания/)).find((m) => !seen.has(m.id)),
    { timeoutMs: MINUTE },
  );
  const code = /:\s*(\d{6})\b/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code in the e-mail: ${mail.text}`);
  return code;
}

it(
  'takes a client from the e-mail link to a signed contract, on a phone',
  async () => {
    const started = Date.now();
    const { applicationId, email } = await newApplication();
    // Phones get links to the PDF, not a frame: the frame is lazy and hidden below 64em, so never fetched.
    const framed: string[] = [];
    phone.page.on('request', (r) => {
      if (/\/documents\/(draft|signed)$/.test(new URL(r.url()).pathname)) framed.push(r.url());
    });

    // A link that is not (or no longer) valid: a clear page, not an error body.
    await phone.page.goto(`${gateway}/l/${'x'.repeat(43)}`);
    await phone.page.getByRole('heading', { name: 'Ссылка недействительна или устарела' }).waitFor();
    expect(await phone.page.title()).toBe('Ссылка недействительна — OTUS');
    await screenshot(phone.page, '01-link-invalid');

    // The real link: exchanged for the session, then the form — and the token gone from the address.
    const link = await linkFromEmail(email);
    await phone.page.goto(link);
    // First opening: whose application this is, masked, before any session is opened.
    await phone.page.getByRole('heading', { name: 'Проверьте, что это ваш договор' }).waitFor();
    expect(await phone.page.locator('[data-holder-email]').innerText()).toBe(maskEmail(email));
    await screenshot(phone.page, '01b-link-confirm');
    await phone.page.getByRole('button', { name: 'Да, это мой договор — открыть' }).click();
    await phone.page.waitForURL(`${gateway}/client/${applicationId}`).catch(async (e: Error) => {
      throw new Error(`${e.message}\nthe page says: ${await phone.page.locator('body').innerText()}`);
    });
    expect(phone.page.url()).not.toContain('/l/');
    // The token travelled in the URL path; no log kept it.
    const token = link.split('/l/')[1];
    for (const log of ['gateway-access', 'contract', 'user']) {
      expect(readFileSync(join(REPO_ROOT, `.stack/logs/${log}.log`), 'utf8')).not.toContain(token);
    }
    await phone.page.getByRole('heading', { name: 'Данные для договора' }).waitFor();
    expect(await phone.page.locator('html').getAttribute('lang')).toBe('ru');
    const summary = normalized(await phone.page.locator('.course').innerText());
    expect(summary).toContain(`Курс «${COURSE_TITLE}»`);
    expect(summary).toContain('99 000,00 ₽');
    // The address is the CRM's and cannot be changed here: the code goes there.
    const address = phone.page.getByLabel('Адрес для кода подписания и договора');
    await expect(address.inputValue()).resolves.toBe(email);
    await expect(address.getAttribute('readonly')).resolves.toBe('');
    await expect(phone.page.getByLabel('Серия', { exact: true }).getAttribute('inputmode')).resolves.toBe('numeric');
    await expect(phone.page.getByLabel('Телефон').getAttribute('autocomplete')).resolves.toBe('tel');
    await screenshot(phone.page, '02-form');
    // Keyboard first: the skip link, then into the page.
    await phone.page.keyboard.press('Tab');
    expect(await phone.page.evaluate('document.activeElement.textContent')).toBe('Перейти к содержимому');
    await phone.page.keyboard.press('Enter');
    await phone.page.keyboard.press('Tab');
    expect(await phone.page.evaluate('document.activeElement.id')).toBe('f-fullName');

    // The browser's own checks speak the server's words.
    await phone.page.getByLabel('Серия', { exact: true }).fill('45');
    expect(
      await phone.page.getByLabel('Серия', { exact: true }).evaluate((el: FormControl) => {
        el.checkValidity();
        return el.validationMessage;
      }),
    ).toBe('Серия паспорта — 4 цифры');

    // Wrong data, as a browser without checks would send it: the server's messages, values kept.
    await phone.page.locator('#form').evaluate(noBrowserChecks);
    await phone.page.getByLabel('Фамилия, имя и отчество').fill('Anna 2');
    await phone.page.getByLabel('Номер', { exact: true }).fill('12');
    await phone.page.getByLabel('Телефон').fill('позвоните мне');
    const rejected = phone.page.waitForResponse((r) => r.url().endsWith('/form') && r.request().method() === 'POST');
    await phone.page.getByRole('button', { name: 'Отправить' }).click();
    expect((await rejected).status()).toBe(400);
    const errors = phone.page.getByRole('alert').filter({ hasText: 'Проверьте данные' });
    await errors.waitFor();
    const errorText = normalized(await errors.innerText());
    for (const message of [
      'ФИО может содержать только буквы, пробелы, дефис и апостроф',
      'Укажите дату рождения',
      'Серия паспорта — 4 цифры',
      'Номер паспорта — 6 цифр',
      'Укажите, кем выдан паспорт',
      'Укажите адрес регистрации полностью',
      'Укажите телефон, например +7 999 123-45-67',
    ]) {
      expect(errorText).toContain(message);
    }
    expect(await phone.page.evaluate('document.activeElement.className')).toContain('error-summary');
    const series = phone.page.getByLabel('Серия', { exact: true });
    await expect(series.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(series.getAttribute('aria-describedby')).resolves.toContain('f-passportSeries-error');
    await expect(phone.page.locator('#f-passportSeries-error').innerText()).resolves.toContain(
      'Серия паспорта — 4 цифры',
    );
    await expect(series.inputValue()).resolves.toBe('45');
    await expect(phone.page.getByLabel('Фамилия, имя и отчество').inputValue()).resolves.toBe('Anna 2');
    await expect(phone.page.getByLabel('Промокод').getAttribute('aria-invalid')).resolves.toBeNull();
    await screenshot(phone.page, '03-form-errors');
    // A link of the summary leads to its field.
    await errors.getByRole('link', { name: /Номер паспорта — 6 цифр/ }).click();
    expect(await phone.page.evaluate('document.activeElement.id')).toBe('f-passportNumber');

    // The service's own date rules come back the same way.
    await phone.page.locator('#form').evaluate(noBrowserChecks);
    await fillValid(phone.page, { birthDate: '2020-01-01' });
    await phone.page.getByRole('button', { name: 'Отправить' }).click();
    await phone.page.locator('#f-birthDate-error').waitFor();
    expect(await phone.page.locator('#f-birthDate-error').innerText()).toContain('от 14 до 100 лет');

    // Without the consent box ticked: the browser stops it with the server's words; a browser
    // without checks sends it, and the server refuses it with the reason beside the box.
    await fillValid(phone.page);
    const consent = phone.page.getByRole('checkbox', { name: /согласен/ });
    await consent.uncheck();
    expect(
      await consent.evaluate((el: FormControl) => {
        el.checkValidity();
        return el.validationMessage;
      }),
    ).toBe('Без согласия на обработку персональных данных договор не заключить');
    await phone.page.locator('#form').evaluate(noBrowserChecks);
    await phone.page.getByRole('button', { name: 'Отправить' }).click();
    await phone.page.locator('#f-consent-error').waitFor();
    expect(await phone.page.locator('#f-consent-error').innerText()).toContain('Без согласия');
    expect(
      await phone.page.getByRole('link', { name: 'политикой обработки персональных данных' }).getAttribute('href'),
    ).toBe(env.CONTRACT_PRIVACY_POLICY_URL);
    await screenshot(phone.page, '03b-form-consent');

    // Right data: 303 to the page, which waits for the draft.
    await fillValid(phone.page);
    const accepted = phone.page.waitForResponse((r) => r.url().endsWith('/form') && r.request().method() === 'POST');
    await phone.page.getByRole('button', { name: 'Отправить' }).click();
    expect((await accepted).status()).toBe(303);
    if (await phone.page.getByRole('heading', { name: 'Готовим проект договора' }).isVisible()) {
      await screenshot(phone.page, '04-preparing-draft');
    }
    await phone.page.getByRole('heading', { name: 'Проверьте и подпишите договор' }).waitFor({ timeout: 2 * MINUTE });
    await screenshot(phone.page, '05-signing');

    // The draft, as the page offers it.
    const draftHref = await phone.page.getByRole('link', { name: 'Скачать PDF' }).getAttribute('href');
    const draft = await phone.page.request.get(`${gateway}${draftHref}`);
    expect(draft.status()).toBe(200);
    expect(draft.headers()['content-type']).toContain('application/pdf');
    const draftSha256 = createHash('sha256')
      .update(await draft.body())
      .digest('hex');
    const instance = await processOf(applicationId);
    expect((await engine.variables(instance)).draftSha256).toBe(draftSha256);
    await desktopScreenshot(phone.context, `${gateway}/client/${applicationId}`, '05b-signing-desktop');

    // The code: asked for on the page, read from the e-mail; a wrong one first.
    const before = await mailsWith(email, /^Код для подписания/);
    await phone.page.getByRole('button', { name: 'Получить код' }).click();
    await phone.page.getByText(/Код отправлен на b\*\*\*@example\.test/).waitFor();
    const code = await codeFromEmail(email, before);
    // Asking again at once waits out the minute: the script counts down, the server says when.
    await expect(
      phone.page.getByRole('button', { name: /Получить новый код \(через \d+ с\)/ }).isDisabled(),
    ).resolves.toBe(true);
    await phone.page.locator('form[action$="/signing-code"]').evaluate((form: FormElement) => form.submit());
    await phone.page.getByText(/Новый можно получить через \d+ секунд\S*, в \d\d:\d\d:\d\d \(МСК\)/).waitFor();
    await screenshot(phone.page, '06-resend-too-soon');

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await phone.page.getByLabel('Код из письма').fill(wrong);
    const refused = phone.page.waitForResponse((r) => r.url().endsWith('/signature'));
    await phone.page.getByRole('button', { name: 'Подписать договор' }).click();
    expect((await refused).status()).toBe(422);
    await phone.page.getByText('Неверный код. Осталось 4 попытки.').waitFor();
    await expect(phone.page.getByLabel('Код из письма').getAttribute('aria-invalid')).resolves.toBe('true');
    await screenshot(phone.page, '07-wrong-code');

    await phone.page.getByLabel('Код из письма').fill(code);
    await phone.page.getByRole('button', { name: 'Подписать договор' }).click();
    if (await phone.page.getByRole('heading', { name: 'Договор подписан, оформляем документы' }).isVisible()) {
      await screenshot(phone.page, '08-finalizing');
    }
    await phone.page.getByRole('heading', { name: 'Договор заключён' }).waitFor({ timeout: 2 * MINUTE });
    await screenshot(phone.page, '09-concluded');

    // The signed contract, downloaded from the page.
    const [download] = await Promise.all([
      phone.page.waitForEvent('download'),
      phone.page.getByRole('link', { name: 'Скачать PDF' }).click(),
    ]);
    const signedPdf = artifact('signed-contract.pdf');
    await download.saveAs(signedPdf);
    expect(readFileSync(signedPdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = normalized(pdfText(signedPdf));
    expect(text).toContain(FULL_NAME);
    expect(text).toContain(COURSE_TITLE);
    expect(text).toContain('SHA-256 проекта');
    expect(text).toContain(draftSha256);
    const pages = pdfPageCount(signedPdf);
    pdfPagePng(signedPdf, 1, artifact('signed-contract-page1'));
    pdfPagePng(signedPdf, pages, artifact('signed-contract-certificate'));

    // The session sees its own application only: another id is the same page as an unknown one.
    const other = await phone.page.goto(`${gateway}/client/${randomUUID()}`);
    expect(other?.status()).toBe(404);
    await phone.page.getByRole('heading', { name: 'Страница не найдена' }).waitFor();
    await screenshot(phone.page, '10-not-found');
    expect(framed).toEqual([]);

    console.log(`browser journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  },
  6 * MINUTE,
);

it(
  'declines only after a confirm step with a reason',
  async () => {
    const { applicationId, email } = await newApplication();
    const p = await phone.context.newPage();
    try {
      await p.goto(await linkFromEmail(email));
      // This browser holds the first test's session: the link says whose it is before replacing it.
      await p.getByText('В этом браузере уже открыт договор по другой ссылке').waitFor();
      await p.getByRole('button', { name: 'Да, это мой договор — открыть' }).click();
      await p.getByRole('heading', { name: 'Данные для договора' }).waitFor();
      await fillValid(p);
      await p.getByRole('button', { name: 'Отправить' }).click();
      await p.getByRole('heading', { name: 'Проверьте и подпишите договор' }).waitFor({ timeout: 2 * MINUTE });

      await p.getByRole('link', { name: 'Отказаться от договора' }).click();
      await p.getByRole('heading', { name: 'Отказ от договора' }).waitFor();
      // Nothing happened yet: going back leaves the contract waiting for a signature.
      expect((await engine.variables(await processOf(applicationId))).outcome).toBeUndefined();
      await p.locator('form[action$="/decline"]').evaluate(noBrowserChecks);
      await p.getByRole('button', { name: 'Да, отказаться' }).click();
      await p.getByText('Напишите, пожалуйста, причину').first().waitFor();
      await expect(p.getByLabel('Расскажите подробнее').getAttribute('aria-invalid')).resolves.toBe('true');
      await screenshot(p, '11-decline-confirm');

      // A reason from the list; the words are then optional, and the choice reaches the CRM's webhook.
      await p.getByRole('radio', { name: 'Не подходят сроки или расписание' }).check();
      await p.getByLabel('Расскажите подробнее').fill('Выбрал другой поток');
      await p.getByRole('button', { name: 'Да, отказаться' }).click();
      await p.getByRole('heading', { name: 'Вы отказались от договора' }).waitFor();
      await screenshot(p, '12-declined');
    } finally {
      await p.close();
    }
  },
  4 * MINUTE,
);

describe('without JavaScript', () => {
  const noScript = usePhone({ javaScript: false });

  it('explains the link page', async () => {
    const p = noScript.page;
    await p.goto(`${gateway}/l/${'y'.repeat(43)}`);
    await p.getByRole('heading', { name: 'Включите JavaScript, чтобы открыть договор' }).waitFor();
    expect(await p.getByText('Открываем ваш договор').isVisible()).toBe(false);
    await screenshot(p, '00-link-without-javascript');
  });
});

async function newApplication(): Promise<{ applicationId: string; email: string }> {
  const course = await openCourse({ title: COURSE_TITLE, priceKopecks: 9_900_000 });
  const email = uniqueAddress('browser');
  const created = await (await crm()).post('/applications', application(course.code, { clientEmail: email }));
  expect(created.status).toBe(201);
  return { applicationId: created.body.applicationId, email };
}

async function fillValid(p: Page, overrides: Record<string, string> = {}): Promise<void> {
  const values: Record<string, string> = {
    'Фамилия, имя и отчество': FULL_NAME,
    'Дата рождения': '1992-03-14',
    Серия: '45 10',
    Номер: '987654',
    'Кем выдан': 'ГУ МВД России по г. Москве',
    'Дата выдачи': '2012-04-02',
    'Адрес регистрации': 'г. Москва, ул. Тверская, д. 7, кв. 12',
    Телефон: '+7 999 123-45-67',
    Промокод: '',
  };
  if (overrides.birthDate) values['Дата рождения'] = overrides.birthDate;
  for (const [label, value] of Object.entries(values)) {
    await p.getByLabel(label, { exact: label === 'Серия' || label === 'Номер' }).fill(value);
  }
  await p.getByRole('checkbox', { name: /согласен/ }).check();
}

/** The signing page on a wide screen, where the draft is shown in the page. */
async function desktopScreenshot(from: BrowserContext, url: string, name: string): Promise<void> {
  const desktop = await phone.chromium.browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'ru-RU',
    storageState: await from.storageState(),
  });
  try {
    const p = await desktop.newPage();
    const framed = p.waitForResponse((r) => r.url().includes('/documents/draft') && r.frame() !== p.mainFrame());
    await p.goto(url);
    // The gateway says X-Frame-Options: DENY to everything; the PDF's own frame-ancestors 'self' wins.
    const pdf = await framed;
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-security-policy']).toContain("frame-ancestors 'self'");
    await p.waitForTimeout(1500);
    expect(p.frames().some((f) => f.url().startsWith('chrome-error:'))).toBe(false);
    await screenshot(p, name);
  } finally {
    await desktop.close();
  }
}
