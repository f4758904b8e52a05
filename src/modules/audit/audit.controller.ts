import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { AuditVerificationService } from './audit-verification.service';
import { AuditService } from './audit.service';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';
import { AuditEntryDto, AuditEntryListDto, ChainCheckDto, VerificationDto } from './dto/audit.responses';

@ApiTags('audit')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/audit-log')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly verifications: AuditVerificationService,
  ) {}

  @Get() @ApiOkResponse({ type: AuditEntryListDto }) list(@CurrentActor() a: Actor, @Query() q: AuditLogQueryDto) {
    return this.audit.list(a, q);
  }
  @Get('verify') @ApiOkResponse({ type: ChainCheckDto }) verify(@CurrentActor() a: Actor) {
    return this.audit.verify(a);
  }
  @Post('verifications') @ApiCreatedResponse({ type: VerificationDto }) startVerification(@CurrentActor() a: Actor) {
    return this.verifications.start(a);
  }
  @Get('verifications/:id') @ApiOkResponse({ type: VerificationDto }) verification(
    @CurrentActor() a: Actor,
    @Param('id') id: string,
  ) {
    return this.verifications.get(a, id);
  }
  @Get(':id') @ApiOkResponse({ type: AuditEntryDto }) get(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.audit.get(a, id);
  }
}
