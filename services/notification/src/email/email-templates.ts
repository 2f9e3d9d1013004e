import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Handlebars from 'handlebars';
import type { NotificationEnv } from '../config';
import { EMAIL_TEMPLATES, type EmailTemplate } from './email-variables';
import type { EmailView } from './email-view';

/** services/notification/templates, from src/email (tests) and from dist/email (the built service) alike. */
export const DEFAULT_TEMPLATES_DIR = resolve(__dirname, '../../templates');

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

type Compiled = Handlebars.TemplateDelegate<Record<string, unknown>>;
type CompileOptions = Parameters<typeof Handlebars.compile>[1];

/**
 * The e-mail templates, compiled once at start-up (a missing or broken file stops it):
 * Handlebars files `<template>/{subject,html,text}.tpl` inside one layout (`layout.html.tpl`, `layout.text.tpl`),
 * with shared passages in `partials/`. HTML escapes values; subject and text do not.
 */
@Injectable()
export class EmailTemplates {
  private readonly hbs = Handlebars.create();
  private readonly templates = new Map<EmailTemplate, { subject: Compiled; html: Compiled; text: Compiled }>();
  private readonly layout: { html: Compiled; text: Compiled };

  constructor(config: ConfigService<NotificationEnv, true>) {
    const dir = config.get('NOTIFICATION_TEMPLATES_DIR', { infer: true }) ?? DEFAULT_TEMPLATES_DIR;
    this.hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    const partials = join(dir, 'partials');
    if (existsSync(partials)) {
      for (const file of readdirSync(partials).filter((f) => f.endsWith('.tpl'))) {
        this.hbs.registerPartial(basename(file, '.tpl'), read(join(partials, file)));
      }
    }
    const compile = (file: string, options: CompileOptions) => {
      const source = read(join(dir, file));
      // compile() is lazy; precompile() parses now, so a broken template stops start-up, not a send.
      this.hbs.precompile(source, options);
      return this.hbs.compile<Record<string, unknown>>(source, options);
    };
    const html = (file: string) => compile(file, { strict: true });
    const plain = (file: string) => compile(file, { strict: true, noEscape: true });
    this.layout = { html: html('layout.html.tpl'), text: plain('layout.text.tpl') };
    for (const name of EMAIL_TEMPLATES) {
      this.templates.set(name, {
        subject: plain(`${name}/subject.tpl`),
        html: html(`${name}/html.tpl`),
        text: plain(`${name}/text.tpl`),
      });
    }
  }

  render(name: EmailTemplate, view: EmailView): RenderedEmail {
    const template = this.templates.get(name);
    if (!template) throw new Error(`No e-mail template ${name}`);
    const data = view as unknown as Record<string, unknown>;
    // A subject is one line: a line break in a name must not start a new header.
    const subject = template.subject(data).replace(/\s+/g, ' ').trim();
    const html = this.layout.html({ ...data, subject, body: template.html(data) });
    const text = this.layout.text({ ...data, subject, body: template.text(data).trim() });
    return { subject, html, text: tidy(text) };
  }
}

function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/** Template indentation and blank lines left by block helpers are not the reader's business. */
function tidy(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
