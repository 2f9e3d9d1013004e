import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, CurrentStaff, type Page, Roles, type StaffIdentity } from '@otus/common';
import {
  ChangePasswordDto,
  CreateUserDto,
  ListUsersQuery,
  SetPasswordDto,
  UpdateUserDto,
  UserPage,
  UserResponse,
} from './dto/user.dto';
import { UserService } from './user.service';

@ApiTags('users')
@ApiBearerAuth('staff')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UserService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrorResponses({ status: 409, description: 'USER_EMAIL_TAKEN' })
  create(@Body() dto: CreateUserDto): Promise<UserResponse> {
    return this.users.create(dto);
  }

  @Get()
  @Roles('admin')
  @ApiOkResponse({ type: UserPage })
  list(@Query() query: ListUsersQuery): Promise<Page<UserResponse>> {
    return this.users.list(query);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOkResponse({ type: UserResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrorResponses({ status: 409, description: 'LAST_ADMIN: this would leave no active administrator' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateUserDto): Promise<UserResponse> {
    return this.users.update(id, dto);
  }

  @Put(':id/password')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Set; the user is signed out everywhere' })
  setPassword(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPasswordDto): Promise<void> {
    return this.users.setPassword(id, dto.password);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrorResponses({ status: 409, description: 'LAST_ADMIN: this would leave no active administrator' })
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.users.remove(id);
  }
}

/** What a signed-in staff member may do for themselves. */
@ApiTags('me')
@ApiBearerAuth('staff')
@Controller('me')
export class MeController {
  constructor(private readonly users: UserService) {}

  @Get()
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentStaff() staff: StaffIdentity): Promise<UserResponse> {
    return this.users.get(staff.subject);
  }

  @Put('password')
  @Roles('admin', 'operator')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Changed; other sessions are signed out' })
  @ApiErrorResponses({ status: 401, description: 'INVALID_CREDENTIALS: the current password is wrong' })
  changePassword(@CurrentStaff() staff: StaffIdentity, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.users.changeOwnPassword(staff.subject, dto);
  }
}
