import type { Request } from 'express';
import type { Actor } from './audit.service';

/** Who did it, for the audit trail (`client`, `staff:<id>`, `crm:<id>`), from this request's address and browser. */
export function requestActor(actor: string, req: Request): Actor {
  return { actor, ip: req.ip, userAgent: req.get('user-agent') };
}
