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

const ENGINE_ADMIN_ONLY =
  'ENGINE_ADMIN_REQUIRED: the role engine-admin, or an account that has it, needs an engine administrator';

@ApiTags('users')
@ApiBearerAuth('staff')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UserService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrorResponses({ status: 403, description: ENGINE_ADMIN_ONLY }, { status: 409, description: 'USER_EMAIL_TAKEN' })
  create(@CurrentStaff() staff: StaffIdentity, @Body() dto: CreateUserDto): Promise<UserResponse> {
    return this.users.create(dto, { actor: staff });
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
  @ApiErrorResponses(
    { status: 403, description: ENGINE_ADMIN_ONLY },
    { status: 409, description: 'LAST_ADMIN: this would leave no active administrator' },
  )
  update(
    @CurrentStaff() staff: StaffIdentity,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponse> {
    return this.users.update(id, dto, staff);
  }

  @Put(':id/password')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Set; the user is signed out everywhere' })
  @ApiErrorResponses({ status: 403, description: ENGINE_ADMIN_ONLY })
  setPassword(
    @CurrentStaff() staff: StaffIdentity,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SetPasswordDto,
  ): Promise<void> {
    return this.users.setPassword(id, dto.password, staff);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrorResponses(
    { status: 403, description: ENGINE_ADMIN_ONLY },
    { status: 409, description: 'LAST_ADMIN: this would leave no active administrator' },
  )
  remove(@CurrentStaff() staff: StaffIdentity, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.users.remove(id, staff);
  }
}

/** What a signed-in staff member may do for themselves. */
@ApiTags('me')
@ApiBearerAuth('staff')
@Controller('me')
export class MeController {
  constructor(private readonly users: UserService) {}

  @Get()
  @Roles('admin', 'manager', 'operator')
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentStaff() staff: StaffIdentity): Promise<UserResponse> {
    return this.users.get(staff.subject);
  }

  @Put('password')
  @Roles('admin', 'manager', 'operator')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Changed; other sessions are signed out' })
  @ApiErrorResponses({ status: 401, description: 'INVALID_CREDENTIALS: the current password is wrong' })
  changePassword(@CurrentStaff() staff: StaffIdentity, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.users.changeOwnPassword(staff.subject, dto);
  }
}
