import { ApprovalBypassDto, ApprovalBypassedField } from '../../../infra/http/break-glass.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NULLABLE_JSON_VALUE } from '../../../infra/http/api-schemas';
import { instructionListSchema } from '../../../infra/http/instruction-schemas';
import { TRIGGER_ACTION_KINDS } from '../trigger-action';
import { CreatorRefDto } from '../../accounts/models/actor-ref.model';

/** Response shapes of the trigger endpoints, for the OpenAPI document (the services build them). */

export class TriggerActionViewDto {
  @ApiProperty({ enum: TRIGGER_ACTION_KINDS }) kind: string;
  @ApiPropertyOptional(instructionListSchema('FlagEnvironmentInstruction')) instructions?: unknown[];
}

export class TriggerCallDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({
    ...NULLABLE_JSON_VALUE,
    description: 'the body as sent (null: none); when `truncated`, its JSON text cut to 4 KB',
  })
  body: unknown;
  @ApiProperty() truncated: boolean;
  @ApiProperty({ type: 'integer', description: 'size of the body as JSON' }) bytes: number;
  @ApiProperty({ enum: ['changed', 'unchanged', 'failed'] }) outcome: string;
  @ApiPropertyOptional({ type: 'integer', description: 'configuration version after the call' }) version?: number;
  @ApiPropertyOptional({ description: 'why the call failed, e.g. flag/archived' }) code?: string;
}

export class TriggerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() projectKey: string;
  @ApiProperty() environmentKey: string;
  @ApiProperty() flagKey: string;
  @ApiProperty({ type: TriggerActionViewDto }) action: TriggerActionViewDto;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'last characters of the secret in the trigger URL, to recognise it' }) secretHint: string;
  @ApiProperty({
    type: 'integer',
    description: 'calls that reached the flag (changed it, found it as wanted, or were refused by its state)',
  })
  triggerCount: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastTriggeredAt: string | null;
  @ApiProperty({ type: [TriggerCallDto], description: 'the last 10 calls, newest first' })
  recentBodies: TriggerCallDto[];
  @ApiProperty({
    type: CreatorRefDto,
    description: 'who created it; `bypassReason` when creating it went past a required approval',
  })
  createdBy: CreatorRefDto;
  @ApiProperty({
    description:
      "created by someone allowed bypassRequiredApproval: calls are not held to the environment's approval settings",
  })
  bypassesApproval: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CreatedTriggerDto extends TriggerDto {
  @ApiProperty({
    example: 'https://gantry.example.com/api/v1/triggers/gtr_…',
    description: 'POST here to fire the trigger; shown in this response only, never again',
  })
  url: string;
  @ApiProperty({ description: 'the secret part of the URL; shown in this response only' }) secret: string;
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
}

export class TriggerListDto {
  @ApiProperty({ type: [TriggerDto] }) items: TriggerDto[];
}

export class TriggerFireResultDto {
  @ApiProperty({ format: 'uuid' }) triggerId: string;
  @ApiProperty({ description: 'false when the flag already was as the action makes it: nothing was written' })
  changed: boolean;
  @ApiProperty({ type: 'integer', description: "the environment's configuration version after the call" })
  version: number;
  @ApiProperty({ format: 'date-time' }) triggeredAt: string;
  @ApiProperty({
    description: 'the remembered answer to an earlier call with the same Idempotency-Key; nothing was done this time',
  })
  replayed: boolean;
}
