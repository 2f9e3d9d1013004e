import { maskEmail } from '@otus/common';
import {
  application,
  ApiClient,
  crm,
  mailsTo,
  openCourse,
  type ReceivedMail,
  stackEnv,
  staffToken,
  uniqueAddress,
  waitFor,
} from '@otus/testing';
import { screenshot, usePhone } from './support/browser';

const env = stackEnv();
const gateway = env.GATEWAY_URL;
const MINUTE = 60_000;

/**
 * In a real browser, through the gateway: a client opens a link that a newer one replaced, and
 * the page offers «Запросить новую ссылку». The first request sends a new link at once (the stack
 * allows one, CONTRACT_LINK_SELF_RENEWALS=1); the next is passed to the school; once the client
 * opened the newest link, the old one points to the newest e-mail. Screenshots go to
 * reports/artifacts/ (`r1-…png`).
 */
const phone = usePhone();

const linkIn = (mail: ReceivedMail) => /\/l\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];

/** The link paths e-mailed to the address so far, oldest first, once there are `count`. */
const linksTo = (email: string, count: number) =>
  waitFor(
    `${count} link e-mail(s) to ${email}`,
    async () => {
      // MailDev lists the oldest first.
      const links = (await mailsTo(email)).map(linkIn).filter((l): l is string => !!l);
      return links.length >= count && links;
    },
    { timeoutMs: MINUTE },
  );

const askForNewLink = async (linkPath: string) => {
  await phone.page.goto(`${gateway}${linkPath}`);
  await phone.page.getByRole('heading', { name: 'Ссылка недействительна или устарела' }).waitFor();
  await phone.page.getByRole('button', { name: 'Запросить новую ссылку' }).click();
};

it(
  'a replaced link asks for a new one: sent at once; asked again, the school is told; once the new one is opened, it points there',
  async () => {
    const course = await openCourse();
    const email = uniqueAddress('renewal');
    const amo = await crm();
    const created = await amo.post('/applications', application(course.code, { clientEmail: email }));
    expect(created.status).toBe(201);
    const applicationId = created.body.applicationId as string;
    const [first] = await linksTo(email, 1);

    // Staff send a new link: the first one no longer opens.
    const manager = new ApiClient(gateway, await staffToken({ roles: ['manager'], exact: true }));
    expect((await manager.post(`/api/contract/contracts/${applicationId}/reissue-link`, {})).status).toBe(204);
    await linksTo(email, 2);

    // The new e-mail went astray: the old link asks for a new one.
    await askForNewLink(first);
    await phone.page.getByRole('heading', { name: 'Новая ссылка отправлена' }).waitFor();
    expect(await phone.page.title()).toBe('Новая ссылка отправлена — OTUS');
    expect(await phone.page.locator('[data-link-state="renewal-sent"] [data-sent-to]').innerText()).toBe(
      maskEmail(email),
    );
    await screenshot(phone.page, 'r1-link-renewal-sent');

    // Asked again with the old link: past what a client renews alone, the school decides.
    const links = await linksTo(email, 3);
    await askForNewLink(first);
    await phone.page.getByRole('heading', { name: 'Мы передали вашу просьбу школе' }).waitFor();
    await screenshot(phone.page, 'r2-link-renewal-passed');

    // The newest e-mail's link opens the application.
    await phone.page.goto(`${gateway}${links[2]}`);
    await phone.page.getByRole('button', { name: 'Да, это мой договор — открыть' }).click();
    await phone.page.waitForURL(`${gateway}/client/${applicationId}`);
    await phone.page.getByRole('heading', { name: 'Данные для договора' }).waitFor();

    // From now on the old e-mail's link asks for nothing: it points to the newest e-mail.
    await askForNewLink(first);
    await phone.page.getByRole('heading', { name: 'У вас есть более новая ссылка' }).waitFor();
    expect(await phone.page.locator('[data-link-state="renewal-replaced"] [data-sent-to]').innerText()).toBe(
      maskEmail(email),
    );
    await screenshot(phone.page, 'r3-link-renewal-replaced');
  },
  3 * MINUTE,
);

it('a link that was never sent: the request says it cannot be recognised', async () => {
  await askForNewLink(`/l/${'x'.repeat(43)}`);
  await phone.page.getByRole('heading', { name: 'Ссылку не удалось распознать' }).waitFor();
  expect(await phone.page.title()).toBe('Ссылка не распознана — OTUS');
});
