import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { Public } from '../accounts/auth.guard';
import { TriggerFireResultDto } from './dto/triggers.responses';
import { TriggerFireService } from './trigger-fire.service';
import { JSON_BODY, Problems } from '../../infra/http/problems.decorator';

/** The one unauthenticated write: the secret in the URL is the credential (no Authorization header). */
@ApiTags('release automation')
@ApiProblems()
@Public()
@Controller('api/v1/triggers')
export class TriggerFireController {
  constructor(private readonly triggers: TriggerFireService) {}

  @Problems(
    ...JSON_BODY,
    'trigger/not_found',
    'trigger/disabled',
    'trigger/invalid_idempotency_key',
    'trigger/in_progress',
    'trigger/rate_limited',
    'flag/archived',
    'flag/has_dependents',
    'guardrail/violation',
    'trigger/action_not_applicable',
    'approval/required',
    'freeze/active',
  )
  @Post(':secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Fire a trigger',
    description:
      "Runs the trigger's action on its flag. 429 trigger/rate_limited comes with Retry-After; " +
      "409 trigger/action_not_applicable names the write path's code that refused the stored action.",
  })
  @ApiParam({
    name: 'secret',
    description: 'the `gtr_…` secret of the trigger URL, as shown when the trigger was created or last rotated',
  })
  @ApiBody({
    required: false,
    description: 'optional, any JSON (or text); the last 10 are kept on the trigger, cut to 4 KB each',
    schema: {},
  })
  @ApiHeader({
    name: 'idempotency-key',
    required: false,
    description: 'repeating a call with the same key within 24 h answers the first result without firing again',
  })
  @ApiOkResponse({ type: TriggerFireResultDto })
  fire(@Param('secret') secret: string, @Body() body: unknown, @Headers('idempotency-key') idempotencyKey?: string) {
    return this.triggers.fire(secret, body, idempotencyKey);
  }
}
