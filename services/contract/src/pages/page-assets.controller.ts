import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public, commonErrors } from '@otus/common';
import type { Response } from 'express';
import { PageAssets } from './page-assets';

/** The pages' CSS and scripts, under /client/ so that the gateway's client route serves them. */
@ApiExcludeController()
@Public()
@Controller('client/assets')
export class PageAssetsController {
  constructor(private readonly assets: PageAssets) {}

  @Get(':name')
  file(@Param('name') name: string, @Res() res: Response): void {
    const asset = this.assets.get(name);
    if (!asset) throw commonErrors.NOT_FOUND('No such file');
    res
      .set({
        'Content-Type': asset.type,
        // URLs carry the content hash (?v=…): a change is a new URL.
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: `"${asset.version}"`,
      })
      .send(asset.body);
  }
}
