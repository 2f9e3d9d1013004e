import { Controller, Get, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@otus/common';
import type { Response } from 'express';
import { PageRenderer } from './page-renderer';
import { PagesExceptionFilter } from './pages-exception.filter';

/**
 * The link from the e-mail, `/l/<token>`. The page holds no token and checks none: its script
 * reads the token from the address, trades it for the session cookie at the user service
 * (same origin, through the gateway) and replaces the address with the client's page, so the
 * token leaves the browser's history too. A cross-site click carries no SameSite=Strict cookie,
 * which is why this is a page and not a redirect.
 */
@ApiExcludeController()
@Public()
@UseFilters(PagesExceptionFilter)
@Controller('l')
export class LinkPageController {
  constructor(private readonly renderer: PageRenderer) {}

  /** Also `/l/` with the token cut off (a broken line in a mail client): the same page says the link is invalid. */
  @Get(['', ':token'])
  open(@Res() res: Response): void {
    this.renderer.send(res, 'link', { title: 'Открываем договор', script: 'link.js' });
  }
}
