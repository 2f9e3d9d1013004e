import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import { PageAssets, VIEWS_DIR } from './page-assets';

/**
 * Our pages load only their own files: no inline script or style, no other origin. Frames
 * only from here (the contract PDF) and never of these pages elsewhere.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export type PageName =
  'link' | 'form' | 'progress' | 'signing' | 'decline' | 'concluded' | 'ended' | 'message' | 'verify';

export interface PageData {
  /** The tab title, before « — OTUS». */
  title: string;
  /** Seconds after which the page reloads itself (progress pages). */
  refreshSeconds?: number;
  /** Which of our scripts the page loads. */
  script?: 'app.js' | 'link.js' | 'verify.js';
  [key: string]: unknown;
}

/** Server-rendered pages: Handlebars views in services/contract/views, one layout, escaped by default. */
@Injectable()
export class PageRenderer {
  private readonly hbs = Handlebars.create();
  private readonly layout: Handlebars.TemplateDelegate;
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();

  constructor(private readonly assets: PageAssets) {
    const compile = (file: string) => this.hbs.compile(readFileSync(file, 'utf8'), { strict: false });
    for (const file of readdirSync(join(VIEWS_DIR, 'partials')).filter((f) => f.endsWith('.tpl'))) {
      this.hbs.registerPartial(basename(file, '.tpl'), readFileSync(join(VIEWS_DIR, 'partials', file), 'utf8'));
    }
    for (const file of readdirSync(join(VIEWS_DIR, 'pages')).filter((f) => f.endsWith('.tpl'))) {
      this.pages.set(basename(file, '.tpl'), compile(join(VIEWS_DIR, 'pages', file)));
    }
    this.layout = compile(join(VIEWS_DIR, 'layout.tpl'));
  }

  render(page: PageName, data: PageData): string {
    const template = this.pages.get(page);
    if (!template) throw new Error(`No view ${page}`);
    const body = template(data);
    return this.layout({
      ...data,
      body,
      css: this.assets.url('app.css'),
      scriptUrl: data.script ? this.assets.url(data.script) : null,
    });
  }

  /** Pages hold personal data: never stored by a cache; each carries its own CSP. */
  send(res: Response, page: PageName, data: PageData, status = 200): void {
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': PAGE_CSP,
      })
      .send(this.render(page, data));
  }
}
