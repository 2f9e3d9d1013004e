import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@otus/common';
import { ApiClientService } from './api-client.service';
import { ApiClientResponse, CreateApiClientDto, CreatedApiClientResponse } from './dto/api-client.dto';

@ApiTags('api-clients')
@ApiBearerAuth('staff')
@Roles('admin')
@Controller('api-clients')
export class ApiClientsController {
  constructor(private readonly clients: ApiClientService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiClientResponse })
  create(@Body() { name }: CreateApiClientDto): Promise<CreatedApiClientResponse> {
    return this.clients.create(name);
  }

  @Get()
  @ApiOkResponse({ type: [ApiClientResponse] })
  list(): Promise<ApiClientResponse[]> {
    return this.clients.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: ApiClientResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ApiClientResponse> {
    return this.clients.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; the key stops working at once' })
  revoke(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.clients.revoke(id);
  }
}
