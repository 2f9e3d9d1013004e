import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { Injectable } from '@nestjs/common';

/** services/contract/{views,public}, from src/pages (tests) and dist/pages (the built service) alike. */
export const VIEWS_DIR = resolve(__dirname, '../../views');
export const PUBLIC_DIR = resolve(__dirname, '../../public');

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  body: Buffer;
  type: string;
  /** Content hash: part of the URL, so a new version is a new URL and old ones may be cached for long. */
  version: string;
}

/** The pages' few static files (CSS, the small scripts), read once at start-up. */
@Injectable()
export class PageAssets {
  private readonly files = new Map<string, Asset>();

  constructor() {
    for (const name of readdirSync(PUBLIC_DIR)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(PUBLIC_DIR, name));
      this.files.set(name, { body, type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) });
    }
  }

  get(name: string): Asset | undefined {
    return this.files.get(name);
  }

  /** `/client/assets/app.css?v=…` */
  url(name: string): string {
    const asset = this.files.get(name);
    if (!asset) throw new Error(`No page asset ${name} in ${PUBLIC_DIR}`);
    return `/client/assets/${name}?v=${asset.version}`;
  }
}
