import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientSession, crm, openCourse, stackEnv } from '@otus/testing';
import type { Page, Request } from 'playwright-core';
import { apply, MINUTE, requestCode, sign, submitForm, untilState } from '../../../test/support/journey-steps';
import { PHONE, screenshot, usePhone } from './support/browser';

/**
 * The public check page, `/verify`, in a real browser at phone size through the gateway: the
 * file is hashed in the browser and only its SHA-256 leaves the device; without JavaScript the
 * form with number and SHA-256 answers server-side. Screenshots go to reports/artifacts/.
 */
const env = stackEnv();
const PAGE_URL = `${env.GATEWAY_URL}/verify`;

let signed: Buffer;
let files: { signed: string; draft: string; other: string };
let contractNumber: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const normalized = (s: string) => s.replace(/\s+/g, ' ');

/** Sends the page's form and waits for the page it answers with. */
async function submit(page: Page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === PAGE_URL && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Проверить' }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return response;
}

beforeAll(async () => {
  const course = await openCourse({ title: 'Разработчик Node.js' });
  const started = await apply(await crm(), course.code);
  contractNumber = started.applicationId.replace(/-/g, '').slice(0, 8).toUpperCase();
  const client = await clientSession(started.applicationId);
  await submitForm(started, client);
  await untilState(client, 'SIGNING');
  const draft = (await client.download('/documents/draft')).bytes;
  await sign(client, await requestCode(client, started.email));
  await untilState(client, 'CONCLUDED', 2 * MINUTE);
  signed = (await client.download('/documents/signed')).bytes;
  const dir = mkdtempSync(join(tmpdir(), 'verify-page-'));
  files = { signed: join(dir, 'договор.pdf'), draft: join(dir, 'проект.pdf'), other: join(dir, 'другой.pdf') };
  writeFileSync(files.signed, signed);
  writeFileSync(files.draft, draft);
  writeFileSync(files.other, Buffer.concat([signed, Buffer.from('\n% appended\n')]));
}, 4 * MINUTE);

describe('with JavaScript', () => {
  const phone = usePhone();
  const sent: Request[] = [];

  beforeAll(() => {
    phone.page.on('request', (request) => sent.push(request));
  });

  it('checks the signed PDF in the browser: «подписан», and only the SHA-256 leaves the device', async () => {
    const response = await phone.page.goto(PAGE_URL);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await phone.page.getByRole('heading', { level: 1, name: 'Проверка договора' }).waitFor();
    await phone.page.getByText('Перетащите PDF договора').waitFor();
    // Nothing wider than the phone.
    const width = await phone.page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone.page, 'verify-01-page');

    sent.length = 0;
    await phone.page.setInputFiles('#verify-file-input', files.signed);
    const result = phone.page.locator('[data-verify-result="VALID"]');
    await result.waitFor({ state: 'visible' });
    const text = normalized(await result.innerText());
    expect(text).toContain(`Договор № ${contractNumber} подписан`);
    expect(text).toMatch(/подписан \d{1,2} [а-я]+ \d{4} г\. в \d\d:\d\d \(МСК\)/);
    expect(text).toContain('П***** И. С.');
    expect(text).toMatch(/Печать школы\s*цела/);
    expect(text).toContain(sha256(signed));
    expect(text).not.toContain('Петров');
    await screenshot(phone.page, 'verify-02-valid');

    const posts = sent.filter((r) => r.method() === 'POST');
    expect(posts.map((r) => new URL(r.url()).pathname)).toEqual(['/api/contract/public/verifications']);
    expect(JSON.parse(posts[0]!.postData() ?? '')).toEqual({ sha256: sha256(signed) });
    // The PDF went nowhere: no request carried more than the hash.
    expect(sent.every((r) => (r.postDataBuffer()?.length ?? 0) < 200)).toBe(true);
  });

  it('says a draft is not signed, and a changed file is not found', async () => {
    await phone.page.setInputFiles('#verify-file-input', files.draft);
    await phone.page.locator('[data-verify-result="DRAFT"]').waitFor({ state: 'visible' });
    expect(await phone.page.locator('[data-verify-result="DRAFT"] h2').innerText()).toBe(
      'Это проект договора, он не подписан',
    );
    expect(await phone.page.locator('[data-verify-result="VALID"]').isHidden()).toBe(true);

    await phone.page.setInputFiles('#verify-file-input', files.other);
    await phone.page.locator('[data-verify-result="NOT_FOUND"]').waitFor({ state: 'visible' });
    expect(normalized(await phone.page.locator('[data-verify-result="NOT_FOUND"]').innerText())).toContain(
      'Он не выдавался школой через OTUS Contract или был изменён.',
    );
    await screenshot(phone.page, 'verify-03-not-found');
  });
});

describe('without JavaScript', () => {
  const phone = usePhone({ javaScript: false });

  it('answers the form with number and SHA-256 on the server: «подписан»', async () => {
    await phone.page.goto(PAGE_URL);
    // The file check needs the script: without it the zone stays hidden and the form does the work.
    expect(await phone.page.getByText('Перетащите PDF договора').isVisible()).toBe(false);
    await phone.page.locator('#f-contractNumber').fill(contractNumber.toLowerCase());
    await phone.page.locator('#f-sha256').fill(sha256(signed).toUpperCase());
    expect((await submit(phone.page)).status()).toBe(200);

    const result = phone.page.locator('[data-verify-result="VALID"]');
    await result.waitFor({ state: 'visible' });
    const text = normalized(await result.innerText());
    expect(text).toContain(`Договор № ${contractNumber} подписан`);
    expect(text).toContain('П***** И. С.');
    expect(text).toMatch(/Печать школы\s*цела/);
    expect(await phone.page.title()).toBe('Договор подписан и не изменён — OTUS');
    await screenshot(phone.page, 'verify-04-form-valid');
  });

  it('says a wrong number finds nothing, and shows what is wrong in a malformed form', async () => {
    await phone.page.goto(PAGE_URL);
    await phone.page.locator('#f-contractNumber').fill(contractNumber === 'FFFFFFFF' ? '00000000' : 'FFFFFFFF');
    await phone.page.locator('#f-sha256').fill(sha256(signed));
    expect((await submit(phone.page)).status()).toBe(200);
    expect(await phone.page.locator('[data-verify-result="NOT_FOUND"] h2').innerText()).toBe('Документ не найден');

    await phone.page.goto(PAGE_URL);
    await phone.page.locator('#f-sha256').fill('не отпечаток');
    expect((await submit(phone.page)).status()).toBe(400);
    await phone.page.locator('.error-summary').waitFor();
    expect(await phone.page.locator('#f-sha256-error').innerText()).toContain('SHA-256 — 64 символа');
    expect(await phone.page.locator('#f-sha256').inputValue()).toBe('не отпечаток');
    await screenshot(phone.page, 'verify-05-form-error');
  });
});
