import { Controller, Get, Headers, HttpCode, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public, commonErrors } from '@otus/common';
import { parse as parseCookies } from 'cookie';
import type { Response } from 'express';
import { ApiClientService } from '../api-clients/api-client.service';
import type { UserEnv } from '../config';
import { KeyService } from '../keys/key.service';
import { STAFF_SESSION_COOKIE } from './cookies';

/**
 * NGINX `auth_request` targets. 204 lets the request through and names the caller in
 * X-Auth-* headers, which the gateway forwards in place of anything the client sent; 401/403
 * stop it. For the CRM, the API key is traded for a short-lived token, so every service
 * checks one kind of credential with one guard.
 */
@ApiExcludeController()
@Public()
@Controller('auth/check')
export class GatewayCheckController {
  private readonly crmTokenTtlMs: number;

  constructor(
    private readonly keys: KeyService,
    private readonly apiClients: ApiClientService,
    config: ConfigService<UserEnv, true>,
  ) {
    this.crmTokenTtlMs = config.get('USER_CRM_TOKEN_TTL', { infer: true });
  }

  @Get('staff')
  @HttpCode(204)
  async staff(@Headers() headers: Record<string, string | undefined>, @Res({ passthrough: true }) res: Response) {
    const { sub, roles } = await this.keys.verify(staffToken(headers), 'staff');
    res.setHeader('X-Auth-Subject', sub).setHeader('X-Auth-Roles', asRoles(roles).join(','));
  }

  /** Cockpit: the role `engine-admin` only; the app's `admin` does not administer the engine. */
  @Get('engine-admin')
  @HttpCode(204)
  async engineAdmin(@Headers() headers: Record<string, string | undefined>, @Res({ passthrough: true }) res: Response) {
    const { sub, roles } = await this.keys.verify(staffToken(headers), 'staff');
    if (!asRoles(roles).includes('engine-admin')) {
      throw commonErrors.FORBIDDEN('Engine administrators only (role engine-admin)');
    }
    res.setHeader('X-Auth-Subject', sub).setHeader('X-Auth-Roles', 'engine-admin');
  }

  @Get('crm')
  @HttpCode(204)
  async crm(@Headers('x-api-key') apiKey: string | undefined, @Res({ passthrough: true }) res: Response) {
    const client = await this.apiClients.authenticate(apiKey ?? '');
    const token = await this.keys.sign({ roles: ['crm'] }, client.id, 'staff', this.crmTokenTtlMs);
    res.setHeader('X-Auth-Subject', client.id).setHeader('X-Auth-Roles', 'crm').setHeader('X-Auth-Token', token);
  }
}

function staffToken(headers: Record<string, string | undefined>): string {
  const [scheme, bearer] = (headers.authorization ?? '').split(' ');
  const token = scheme === 'Bearer' && bearer ? bearer : parseCookies(headers.cookie ?? '')[STAFF_SESSION_COOKIE];
  if (!token) throw commonErrors.UNAUTHENTICATED('An access token is required');
  return token;
}

function asRoles(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [];
}
