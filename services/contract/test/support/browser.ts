import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '@otus/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright-core downloads no browser of its own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and PDFs of a run (gitignored). */
export const ARTIFACTS = resolve(REPO_ROOT, 'reports/artifacts');
/** A phone: the size the pages are designed for first. */
export const PHONE = { width: 390, height: 844 };

export interface HeadlessBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * A headless Chromium, quiet: no sync, updates or background traffic, speaking Russian (date
 * fields read дд.мм.гггг). Each launch gets a fresh profile: playwright-core passes its own new
 * temporary `--user-data-dir` and removes it on close. `javaScript: false` turns scripts off in
 * Blink itself, so that `<noscript>` renders (a context's javaScriptEnabled: false does not).
 */
export async function launchChromium({ javaScript = true } = {}): Promise<HeadlessBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=ru-RU',
      ...(javaScript ? [] : ['--blink-settings=scriptEnabled=false']),
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** A phone-sized, Russian-speaking browser context that accepts downloads. */
export function phoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    acceptDownloads: true,
  });
}

/** A phone in headless Chromium, shared by the tests of a spec or a describe block. */
export interface Phone {
  readonly chromium: HeadlessBrowser;
  readonly context: BrowserContext;
  readonly page: Page;
}

/** Opens a phone before the tests of the enclosing block and closes it after them. */
export function usePhone(options: { javaScript?: boolean } = {}): Phone {
  let opened: Phone | undefined;
  beforeAll(async () => {
    const chromium = await launchChromium(options);
    const context = await phoneContext(chromium.browser);
    opened = { chromium, context, page: await context.newPage() };
  }, 60_000);
  afterAll(async () => {
    await opened?.context.close();
    await opened?.chromium.close();
  });
  const get = () => {
    if (!opened) throw new Error('usePhone(): the phone opens in beforeAll; use it inside a test');
    return opened;
  };
  return {
    get chromium() {
      return get().chromium;
    },
    get context() {
      return get().context;
    },
    get page() {
      return get().page;
    },
  };
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** A full-page screenshot into reports/artifacts/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = artifact(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The PDF's text as poppler's pdftotext reads it (layout kept, so table rows stay on their lines). */
export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

export function pdfPageCount(file: string): number {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
}

/** One page of the PDF as a PNG (pdftoppm), e.g. for a reviewer to look at. */
export function pdfPagePng(file: string, pageNumber: number, outBase: string): string {
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '80',
    '-f',
    String(pageNumber),
    '-l',
    String(pageNumber),
    '-singlefile',
    file,
    outBase,
  ]);
  return `${outBase}.png`;
}
