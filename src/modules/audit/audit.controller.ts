import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { AuditVerificationService } from './audit-verification.service';
import { AuditService } from './audit.service';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';
import { AuditEntryDto, AuditEntryListDto, ChainCheckDto, VerificationDto } from './dto/audit.responses';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';

@ApiTags('audit')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/audit-log')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly verifications: AuditVerificationService,
  ) {}

  @Problems(...AUTHENTICATED, 'request/invalid', 'auth/forbidden', 'audit/invalid_cursor')
  @Get()
  @ApiOkResponse({ type: AuditEntryListDto })
  list(@CurrentActor() a: Actor, @Query() q: AuditLogQueryDto) {
    return this.audit.list(a, q);
  }
  @Problems(...AUTHENTICATED, 'auth/forbidden')
  @Get('verify')
  @ApiOkResponse({ type: ChainCheckDto })
  verify(@CurrentActor() a: Actor) {
    return this.audit.verify(a);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, 'auth/forbidden')
  @Post('verifications')
  @ApiCreatedResponse({ type: VerificationDto })
  startVerification(@CurrentActor() a: Actor) {
    return this.verifications.start(a);
  }
  @Problems(...AUTHENTICATED, 'auth/forbidden', 'audit_verification/not_found')
  @Get('verifications/:id')
  @ApiOkResponse({ type: VerificationDto })
  verification(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.verifications.get(a, id);
  }
  @Problems(...AUTHENTICATED, 'auth/forbidden', 'audit/not_found')
  @Get(':id')
  @ApiOkResponse({ type: AuditEntryDto })
  get(@CurrentActor() a: Actor, @Param('id') id: string) {
    return this.audit.get(a, id);
  }
}
