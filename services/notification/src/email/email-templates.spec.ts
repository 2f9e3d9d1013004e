import type { ConfigService } from '@nestjs/config';
import type { NotificationEnv } from '../config';
import { EmailTemplates } from './email-templates';
import { EMAIL_TEMPLATES, REJECT_REASONS } from './email-variables';
import { emailView } from './email-view';

const config = { get: () => undefined } as unknown as ConfigService<NotificationEnv, true>;
const templates = new EmailTemplates(config);

const vars = {
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
};
const secrets = { link: 'https://otus.example/l/tok_123', signingCode: '482915' };
const view = (overrides: Partial<typeof vars> = {}) => emailView({ ...vars, ...overrides }, secrets, 'Europe/Moscow');

describe('e-mail templates', () => {
  it.each(EMAIL_TEMPLATES)('renders %s in Russian, as HTML and as text, with nothing left unfilled', (name) => {
    const mail = templates.render(name, view());
    expect(mail.subject).toMatch(/[А-Яа-яЁё]/);
    expect(mail.subject).not.toMatch(/\n/);
    for (const body of [mail.html, mail.text]) {
      expect(body).toContain('Здравствуйте, Иван Петров!');
      expect(body).not.toMatch(/\{\{|\}\}|undefined|null/);
    }
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.text).not.toMatch(/<[a-z]/i);
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
});
