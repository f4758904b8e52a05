import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_VALUE, NULLABLE_JSON_VALUE } from '../../../infra/http/api-schemas';
import { ActorRefDto } from '../../accounts/dto/accounts.responses';

/** Response shapes of the audit endpoints, for the OpenAPI document. */

/** One RFC 6902 operation of an entry's delta. */
export class JsonPatchOperationDto {
  @ApiProperty({ enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] }) op: string;
  @ApiProperty({ description: 'JSON pointer' }) path: string;
  @ApiPropertyOptional({ description: 'for move and copy' }) from?: string;
  @ApiPropertyOptional({ ...NULLABLE_JSON_VALUE }) value?: unknown;
}

export class AuditEntryDto {
  @ApiProperty({ description: '64-bit id, as a string' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: ActorRefDto }) actor: ActorRefDto;
  @ApiProperty({ example: 'updateRules' }) action: string;
  @ApiProperty({ example: 'proj/web:env/production:flag/checkout' }) resource: string;
  @ApiProperty() comment: string;
  @ApiProperty({ ...NULLABLE_JSON_VALUE, description: 'the resource before the change (null for a creation)' })
  before: unknown;
  @ApiProperty({ ...NULLABLE_JSON_VALUE, description: 'the resource after the change (null for a deletion)' })
  after: unknown;
  @ApiProperty({ type: [JsonPatchOperationDto], nullable: true, description: 'RFC 6902 patch from before to after' })
  delta: JsonPatchOperationDto[] | null;
  @ApiProperty({ type: 'integer', nullable: true }) previousVersion: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) currentVersion: number | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { ...JSON_VALUE },
    nullable: true,
    description: 'related change request, schedule, release; instructions applied',
  })
  links: Record<string, unknown> | null;
  @ApiProperty({ description: 'sha-256 of the entry, chained through prevHash' }) hash: string;
  @ApiProperty() prevHash: string;
}

export class AuditEntryListDto {
  @ApiProperty({ type: [AuditEntryDto] }) items: AuditEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next (older) page' }) next: string | null;
}

export class ChainCheckDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: 'integer', description: 'entries checked' }) checked: number;
  @ApiPropertyOptional({ description: 'id of the first entry whose link or content does not verify' })
  firstBrokenId?: string;
  @ApiPropertyOptional() reason?: string;
}

export class VerificationDto {
  @ApiProperty({ description: 'job id; poll GET /api/v1/audit-log/verifications/{id}' }) id: string;
  @ApiProperty({ example: 'active', description: 'waiting, active, completed, failed, ...' }) state: string;
  @ApiProperty({ type: 'integer', description: 'entries checked so far' }) checked: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'entries in the chain when the verification started; null until the worker has counted them',
  })
  total: number | null;
  @ApiProperty({ type: ChainCheckDto, nullable: true, description: 'set once completed' }) result: ChainCheckDto | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}
