import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../accounts/auth.guard';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { ScimAuthGuard } from './scim-auth.guard';
import { ScimDiscoveryService } from './scim-discovery.service';
import { ScimGroupsService } from './scim-groups.service';
import { ScimUsersService } from './scim-users.service';
import { ScimInterceptor } from './scim.interceptor';

type Q = Record<string, unknown>;

/**
 * SCIM 2.0 (RFC 7643/7644) at /scim/v2 for identity providers: Users are members, Groups are teams.
 * Public to the API's guard and authenticated by ScimAuthGuard (SCIM tokens only); not in the
 * OpenAPI document: the protocol is the RFCs'.
 */
@ApiExcludeController()
@Public()
@UseGuards(ScimAuthGuard)
@UseInterceptors(ScimInterceptor)
@Controller('scim/v2')
export class ScimController {
  constructor(
    private readonly users: ScimUsersService,
    private readonly groups: ScimGroupsService,
    private readonly discovery: ScimDiscoveryService,
  ) {}

  @Get('ServiceProviderConfig') serviceProviderConfig() {
    return this.discovery.serviceProviderConfig();
  }
  @Get('ResourceTypes') resourceTypes() {
    return this.discovery.resourceTypes();
  }
  @Get('ResourceTypes/:id') resourceType(@Param('id') id: string) {
    return this.discovery.resourceTypeById(id);
  }
  @Get('Schemas') schemas() {
    return this.discovery.schemas();
  }
  @Get('Schemas/:id') schema(@Param('id') id: string) {
    return this.discovery.schemaById(id);
  }

  @Get('Users') listUsers(@CurrentActor() a: Actor, @Query() q: Q) {
    return this.users.list(a, q);
  }
  @Post('Users') createUser(@CurrentActor() a: Actor, @Body() body: unknown) {
    return this.users.create(a, body);
  }
  @Get('Users/:id') getUser(@CurrentActor() a: Actor, @Param('id') id: string, @Query() q: Q) {
    return this.users.get(a, id, q);
  }
  @Put('Users/:id') replaceUser(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.users.replace(a, id, body);
  }
  @Patch('Users/:id') patchUser(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.users.patch(a, id, body);
  }
  @Delete('Users/:id') @HttpCode(204) deleteUser(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.users.remove(a, id);
  }

  @Get('Groups') listGroups(@CurrentActor() a: Actor, @Query() q: Q) {
    return this.groups.list(a, q);
  }
  @Post('Groups') createGroup(@CurrentActor() a: Actor, @Body() body: unknown) {
    return this.groups.create(a, body);
  }
  @Get('Groups/:id') getGroup(@CurrentActor() a: Actor, @Param('id') id: string, @Query() q: Q) {
    return this.groups.get(a, id, q);
  }
  @Put('Groups/:id') replaceGroup(@CurrentActor() a: Actor, @Param('id') id: string, @Body() body: unknown) {
    return this.groups.replace(a, id, body);
  }
  @Patch('Groups/:id') @HttpCode(204) patchGroup(
    @CurrentActor() a: Actor,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    return this.groups.patch(a, id, body);
  }
  @Delete('Groups/:id') @HttpCode(204) deleteGroup(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.groups.remove(a, id);
  }
}
