import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import {
  CreateRelayCredentialDto,
  CreatedRelayCredentialDto,
  RelayCredentialDto,
  RelayCredentialListDto,
} from './dto/relay-credentials.dto';
import { RelayCredentialsService } from './relay-credentials.service';

@ApiTags('relay credentials')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/relay-credentials')
export class RelayCredentialsController {
  constructor(private readonly credentials: RelayCredentialsService) {}

  @Problems(...AUTHENTICATED, 'auth/forbidden')
  @Get()
  @ApiOkResponse({ type: RelayCredentialListDto })
  list(@CurrentActor() a: Actor) {
    return this.credentials.list(a);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', 'auth/forbidden', 'relay_credential/not_found')
  @Get(':id')
  @ApiOkResponse({ type: RelayCredentialDto })
  get(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.credentials.get(a, id);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'auth/forbidden',
    'relay_credential/invalid',
    'project/not_found',
    'environment/not_found',
  )
  @Post()
  @ApiCreatedResponse({ type: CreatedRelayCredentialDto })
  create(@CurrentActor() a: Actor, @Body() dto: CreateRelayCredentialDto) {
    return this.credentials.create(a, dto);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', 'auth/forbidden', 'relay_credential/not_found')
  @Delete(':id')
  @ApiOkResponse({ type: RelayCredentialDto, description: 'the revoked credential; its feeds end on every node' })
  revoke(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.credentials.revoke(a, id);
  }
}
