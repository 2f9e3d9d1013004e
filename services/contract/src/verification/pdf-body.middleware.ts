import { Injectable, type NestMiddleware } from '@nestjs/common';
import { bodyParserErrors } from '@otus/common';
import { raw, type Request, type Response } from 'express';

/** The largest PDF the public check reads; a signed contract is a few hundred kB. */
export const PDF_BODY_LIMIT = '5mb';

const parse = raw({ type: 'application/pdf', limit: PDF_BODY_LIMIT });

/**
 * Reads an `application/pdf` body as bytes for the one route that takes a file (the services
 * parse only JSON and forms, 100 kB). Failures become the shared answers (413 PAYLOAD_TOO_LARGE…).
 */
@Injectable()
export class PdfBodyMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: (error?: unknown) => void): void {
    parse(req, res, (error?: unknown) => (error ? bodyParserErrors(error, req, res, next) : next()));
  }
}
