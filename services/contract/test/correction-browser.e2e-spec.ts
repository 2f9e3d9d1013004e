import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  admin,
  application,
  crm,
  EngineApi,
  mailsTo,
  openCourse,
  processOf,
  stackEnv,
  uniqueAddress,
  waitFor,
} from '@otus/testing';
import { artifact, pdfText, screenshot, usePhone } from './support/browser';

const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);
const gateway = env.GATEWAY_URL;
const MINUTE = 60_000;
const FULL_NAME = 'Смирнова Анна Викторовна';
const CORRECTED_NAME = 'Смирнова Анна Викторовна-Орлова';

/**
 * In a real browser, through the gateway: the promo code is checked as the client types it
 * (the promo service's public check), and on the signing page «Исправить данные» leads to the
 * form again, prefilled, whose submission brings a new draft to sign. Screenshots go to
 * reports/artifacts/ (`c1-…png`).
 */
const phone = usePhone();

const normalized = (s: string) => s.replace(/\s+/g, ' ');

async function promoCodeFor(courseCode: string): Promise<string> {
  const staff = await admin();
  const campaign = await staff.post('/api/promo/campaigns', {
    name: 'Коррекция −10%',
    startsAt: new Date(Date.now() - MINUTE).toISOString(),
    discountType: 'percent',
    discountValue: 10,
    courseCodes: [courseCode],
  });
  expect(campaign.status).toBe(201);
  const code = `FIX${randomUUID().slice(0, 6).toUpperCase()}`;
  expect((await staff.post(`/api/promo/campaigns/${campaign.body.id}/codes`, { code, maxUses: 5 })).status).toBe(201);
  return code;
}

async function openFromEmail(email: string, applicationId: string): Promise<void> {
  const [mail] = await waitFor(
    'the link e-mail',
    async () => {
      const found = (await mailsTo(email)).filter((m) => /^Оформление договора/.test(m.subject));
      return found.length ? found : undefined;
    },
    { timeoutMs: MINUTE },
  );
  const url = /https?:\/\/\S+\/l\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
  await phone.page.goto(`${gateway}${new URL(url).pathname}`);
  await phone.page.getByRole('button', { name: 'Да, это мой договор — открыть' }).click();
  await phone.page.waitForURL(`${gateway}/client/${applicationId}`);
}

const draftSha256 = async (applicationId: string) =>
  (await engine.variables(await processOf(applicationId))).draftSha256 as string;

/** The draft as the page's download link serves it (the browser's session). */
async function downloadDraft(name: string): Promise<{ sha256: string; text: string }> {
  const href = await phone.page
    .getByRole('link', { name: /Скачать/ })
    .first()
    .getAttribute('href');
  const response = await phone.context.request.get(`${gateway}${href}`);
  expect(response.status()).toBe(200);
  const bytes = await response.body();
  const file = artifact(name);
  writeFileSync(file, bytes);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), text: normalized(pdfText(file)) };
}

it(
  'checks the promo code as it is typed, and corrects the data from the signing page: a new draft to sign',
  async () => {
    const course = await openCourse({ title: 'Разработчик Node.js', priceKopecks: 9_900_000 });
    const promo = await promoCodeFor(course.code);
    const email = uniqueAddress('correction-browser');
    const created = await (await crm()).post('/applications', application(course.code, { clientEmail: email }));
    expect(created.status).toBe(201);
    const applicationId: string = created.body.applicationId;
    await openFromEmail(email, applicationId);
    await phone.page.getByRole('heading', { name: 'Данные для договора' }).waitFor();

    // The promo code is checked as it is typed: a valid one with its discount, then a wrong one.
    const hint = phone.page.locator('#f-promoCode-live');
    await phone.page.getByLabel('Промокод').fill(promo.toLowerCase());
    await waitFor('the valid promo hint', async () => /Промокод действует/.test(await hint.innerText()));
    expect(normalized(await hint.innerText())).toBe('Промокод действует: скидка 9 900,00 ₽, к оплате 89 100,00 ₽.');
    await screenshot(phone.page, 'c1-promo-valid');
    await phone.page.getByLabel('Промокод').fill('NO-SUCH-CODE-1');
    await waitFor('the invalid promo hint', async () => /Такого промокода нет/.test(await hint.innerText()));
    expect(normalized(await hint.innerText())).toBe(
      'Такого промокода нет. Проверьте, как он написан. Цена — без скидки.',
    );
    await screenshot(phone.page, 'c2-promo-invalid');

    // The form with the valid code, sent.
    const values: Record<string, string> = {
      'Фамилия, имя и отчество': FULL_NAME,
      'Дата рождения': '1992-03-14',
      Серия: '45 10',
      Номер: '987654',
      'Кем выдан': 'ГУ МВД России по г. Москве',
      'Дата выдачи': '2012-04-02',
      'Адрес регистрации': 'г. Москва, ул. Тверская, д. 7, кв. 12',
      Телефон: '+7 999 123-45-67',
      Промокод: promo,
    };
    for (const [label, value] of Object.entries(values)) {
      await phone.page.getByLabel(label, { exact: label === 'Серия' || label === 'Номер' }).fill(value);
    }
    await phone.page.getByRole('checkbox', { name: /согласен/ }).check();
    await phone.page.getByRole('button', { name: 'Отправить' }).click();
    await phone.page.getByRole('heading', { name: 'Проверьте и подпишите договор' }).waitFor({ timeout: MINUTE });
    const first = await downloadDraft('correction-draft-1.pdf');
    expect(first.sha256).toBe(await draftSha256(applicationId));
    expect(first.text).toContain(FULL_NAME);

    // «Исправить данные»: the form again with what was sent, the promo code read-only.
    const card = phone.page.locator('#correction');
    expect(normalized(await card.innerText())).toContain('Исправить данные можно ещё 2 раза.');
    await screenshot(phone.page, 'c3-signing-with-correction');
    await phone.page.getByRole('link', { name: 'Исправить данные' }).click();
    await phone.page.getByRole('heading', { name: 'Исправление данных' }).waitFor();
    expect(phone.page.url()).toBe(`${gateway}/client/${applicationId}/correction`);
    await expect(phone.page.getByLabel('Фамилия, имя и отчество').inputValue()).resolves.toBe(FULL_NAME);
    await expect(phone.page.getByLabel('Номер', { exact: true }).inputValue()).resolves.toBe('987654');
    await expect(phone.page.getByLabel('Серия', { exact: true }).inputValue()).resolves.toBe('4510');
    await expect(phone.page.getByLabel('Дата рождения').inputValue()).resolves.toBe('1992-03-14');
    await expect(phone.page.getByLabel('Адрес регистрации').inputValue()).resolves.toBe(
      'г. Москва, ул. Тверская, д. 7, кв. 12',
    );
    await expect(phone.page.getByLabel('Телефон').inputValue()).resolves.toBe('+7 999 123-45-67');
    const promoField = phone.page.getByLabel('Промокод');
    await expect(promoField.inputValue()).resolves.toBe(promo);
    await expect(promoField.getAttribute('readonly')).resolves.toBe('');
    await expect(promoField.getAttribute('name')).resolves.toBeNull();
    const notice = normalized(await phone.page.locator('#correction-notice').innerText());
    expect(notice).toContain('Текущий проект договора будет отозван');
    expect(notice).toContain('Срок подписания не изменится');
    expect(notice).toContain('После этого исправления данные можно будет исправить ещё 1 раз.');
    await screenshot(phone.page, 'c4-correction-form');

    await phone.page.getByLabel('Фамилия, имя и отчество').fill(CORRECTED_NAME);
    await phone.page.getByLabel('Адрес регистрации').fill('г. Москва, ул. Арбат, д. 10, кв. 3');
    // Corrected data is given with consent again: the box is not ticked for the client.
    const consent = phone.page.getByRole('checkbox', { name: /согласен/ });
    await expect(consent.isChecked()).resolves.toBe(false);
    await consent.check();
    await phone.page.getByRole('button', { name: 'Отправить исправленные данные' }).click();
    // The new draft is made (the progress page refreshes itself) and offered.
    await phone.page.getByRole('heading', { name: 'Проверьте и подпишите договор' }).waitFor({ timeout: MINUTE });
    expect(normalized(await phone.page.locator('main').innerText())).toContain(
      'Проект составлен по исправленным данным; прежний проект отозван.',
    );
    expect(normalized(await phone.page.locator('#correction').innerText())).toContain(
      'Исправить данные можно ещё 1 раз.',
    );
    await waitFor('the process to hold the new draft', async () => (await draftSha256(applicationId)) !== first.sha256);
    const second = await downloadDraft('correction-draft-2.pdf');
    expect(second.sha256).not.toBe(first.sha256);
    expect(second.sha256).toBe(await draftSha256(applicationId));
    expect(second.text).toContain(CORRECTED_NAME);
    expect(second.text).toContain('ул. Арбат');
    await screenshot(phone.page, 'c5-signing-new-draft');
  },
  4 * MINUTE,
);
