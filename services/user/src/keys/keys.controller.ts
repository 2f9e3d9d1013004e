import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@otus/common';
import { KeyService } from './key.service';

class KeyResponse {
  @ApiProperty() kid!: string;
  @ApiProperty({ enum: ['active', 'retired'] }) status!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) retiredAt!: string | null;
}

@ApiTags('keys')
@Controller()
export class KeysController {
  constructor(private readonly keys: KeyService) {}

  /** The public keys every service checks tokens against. */
  @Public()
  @Get('.well-known/jwks.json')
  @ApiOkResponse({
    description: 'JSON Web Key Set (RFC 7517): the public keys, by kid',
    schema: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: { type: 'object' } } } },
  })
  jwks() {
    return this.keys.jwks();
  }

  @Roles('admin')
  @ApiBearerAuth('staff')
  @Get('keys')
  @ApiOkResponse({ type: [KeyResponse] })
  async list(): Promise<KeyResponse[]> {
    return (await this.keys.list()).map(({ kid, status, createdAt, retiredAt }) => ({
      kid,
      status,
      createdAt: createdAt.toISOString(),
      retiredAt: retiredAt?.toISOString() ?? null,
    }));
  }

  @Roles('admin')
  @ApiBearerAuth('staff')
  @Post('keys/rotate')
  @HttpCode(201)
  @ApiCreatedResponse({ type: KeyResponse })
  async rotate(): Promise<KeyResponse> {
    const { kid, status, createdAt } = await this.keys.rotate();
    return { kid, status, createdAt: createdAt.toISOString(), retiredAt: null };
  }
}
