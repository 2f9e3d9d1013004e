import type { Request } from 'express';

export interface StaffIdentity {
  /** User id, or the CRM client id for role `crm`. */
  subject: string;
  roles: string[];
}

export interface ClientIdentity {
  applicationId: string;
}

export type AuthenticatedRequest = Request & { staff?: StaffIdentity; client?: ClientIdentity };

/** The cookie that carries a client's link session. */
export const CLIENT_SESSION_COOKIE = 'otus_client';
