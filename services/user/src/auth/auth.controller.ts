import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Public } from '@otus/common';
import type { Request, Response } from 'express';
import type { UserEnv } from '../config';
import { AuthService } from './auth.service';
import { STAFF_SESSION_COOKIE, sessionCookie } from './cookies';
import { ChangePasswordWithLoginDto, LoginDto, RefreshDto, TokenResponse } from './dto/auth.dto';
import { LoginLockedError } from './login-throttle.service';

/**
 * Staff sign-in. The gateway rate-limits these routes per address, and each e-mail address is
 * locked after repeated failures; answers never say whether an account exists.
 */
@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  private readonly secureCookies: boolean;

  constructor(
    private readonly auth: AuthService,
    config: ConfigService<UserEnv, true>,
  ) {
    this.secureCookies = config.get('USER_COOKIE_SECURE', { infer: true });
  }

  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrorResponses(
    { status: 401, description: 'INVALID_CREDENTIALS, the same for an unknown e-mail and a wrong password' },
    {
      status: 403,
      description: 'PASSWORD_CHANGE_REQUIRED: the password was right but must be changed first (POST /auth/password)',
    },
    {
      status: 429,
      description:
        'LOGIN_LOCKED after repeated failures for this e-mail, even with the right password (`details.retryAfter` seconds, Retry-After header); or the gateway per-address limit',
    },
  )
  async login(
    @Body() { email, password }: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponse> {
    const tokens = await retryAfter(res, this.auth.login(email, password, req.ip));
    res.cookie(STAFF_SESSION_COOKIE, tokens.accessToken, sessionCookie(this.secureCookies, this.auth.accessTokenTtlMs));
    return tokens;
  }

  @Post('password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Changed; every session of the account ends. Sign in with the new password.' })
  @ApiErrorResponses(
    400,
    { status: 401, description: 'INVALID_CREDENTIALS, the same for an unknown e-mail and a wrong password' },
    { status: 429, description: 'LOGIN_LOCKED, as for POST /auth/login; or the gateway per-address limit' },
  )
  async changePassword(
    @Body() { email, currentPassword, newPassword }: ChangePasswordWithLoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await retryAfter(res, this.auth.changePassword(email, currentPassword, newPassword, req.ip));
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponse })
  @ApiErrorResponses({ status: 401, description: 'INVALID_REFRESH_TOKEN: sign in again' }, 429)
  async refresh(
    @Body() { refreshToken }: RefreshDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponse> {
    const tokens = await this.auth.refresh(refreshToken);
    res.cookie(STAFF_SESSION_COOKIE, tokens.accessToken, sessionCookie(this.secureCookies, this.auth.accessTokenTtlMs));
    return tokens;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrorResponses({ status: 401, description: 'INVALID_REFRESH_TOKEN' }, 429)
  async logout(@Body() { refreshToken }: RefreshDto, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(refreshToken);
    res.clearCookie(STAFF_SESSION_COOKIE, { path: '/' });
  }
}

/** A locked sign-in says when to come back in the Retry-After header as well as in the body. */
async function retryAfter<T>(res: Response, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof LoginLockedError) res.setHeader('Retry-After', String(e.retryAfterSeconds));
    throw e;
  }
}
