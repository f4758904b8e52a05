import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from './audit.service';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';
import { AuditEntryDto, AuditEntryListDto, ChainCheckDto } from './dto/audit.responses';

@ApiTags('audit')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get() @ApiOkResponse({ type: AuditEntryListDto }) list(@CurrentActor() a: Actor, @Query() q: AuditLogQueryDto) { return this.audit.list(a, q); }
  @Get('verify') @ApiOkResponse({ type: ChainCheckDto }) verify(@CurrentActor() a: Actor) { return this.audit.verify(a); }
  @Get(':id') @ApiOkResponse({ type: AuditEntryDto }) get(@CurrentActor() a: Actor, @Param('id') id: string) { return this.audit.get(a, id); }
}
