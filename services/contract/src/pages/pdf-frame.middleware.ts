import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Lets the client's own pages show the contract PDF in a frame. The gateway sends
 * `X-Frame-Options: DENY` on every answer; a CSP `frame-ancestors` takes precedence over it in
 * browsers, so this allows framing by this origin only and still by no other site.
 */
export const PDF_FRAME_CSP = "default-src 'none'; frame-ancestors 'self'";

@Injectable()
export class PdfFrameMiddleware implements NestMiddleware {
  use(_req: Request, res: Response, next: NextFunction): void {
    res.setHeader('Content-Security-Policy', PDF_FRAME_CSP);
    next();
  }
}
