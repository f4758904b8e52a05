import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from './audit.service';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get() list(@CurrentActor() a: Actor, @Query() q: AuditLogQueryDto) { return this.audit.list(a, q); }
  @Get('verify') verify(@CurrentActor() a: Actor) { return this.audit.verify(a); }
  @Get(':id') get(@CurrentActor() a: Actor, @Param('id') id: string) { return this.audit.get(a, id); }
}
