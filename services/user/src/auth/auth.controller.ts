import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Public } from '@otus/common';
import type { Response } from 'express';
import type { UserEnv } from '../config';
import { AuthService } from './auth.service';
import { STAFF_SESSION_COOKIE, sessionCookie } from './cookies';
import { LoginDto, RefreshDto, TokenResponse } from './dto/auth.dto';

/** Staff sign-in. The gateway rate-limits these routes; answers never say whether an account exists. */
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
    429,
  )
  async login(
    @Body() { email, password }: LoginDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TokenResponse> {
    const tokens = await this.auth.login(email, password);
    res.cookie(STAFF_SESSION_COOKIE, tokens.accessToken, sessionCookie(this.secureCookies, this.auth.accessTokenTtlMs));
    return tokens;
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
