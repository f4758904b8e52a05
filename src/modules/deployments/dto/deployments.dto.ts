import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IsOmittable, KEY_PATTERN, PageLimit } from '../../../infra/http/validators';
import {
  COMMIT_SHA_PATTERN,
  MAX_URL_LENGTH,
  SERVICE_PATTERN,
  VERSION_PATTERN,
} from '../../../core/deployments/deployment-signal';

/**
 * The body of a deploy signal. Only types are checked here: the shapes of service, version,
 * commitSha and url are checked by parseDeploymentSignal, so each bad field gets its own code
 * (deployment/invalid_service, …) rather than the generic request/invalid.
 */
export class RecordDeploymentDto {
  @ApiProperty({ description: 'environment key the service was deployed to', pattern: KEY_PATTERN.source })
  @IsString()
  @MaxLength(128)
  environment: string;

  @ApiProperty({
    description: 'the deployed service; flags link to it by their `services` list or a tag `service.<name>`',
    pattern: SERVICE_PATTERN.source,
    example: 'checkout-api',
  })
  @IsString()
  service: string;

  @ApiProperty({ description: 'the deployed version', pattern: VERSION_PATTERN.source, example: '1.42.0' })
  @IsString()
  version: string;

  @ApiPropertyOptional({ description: 'git commit hash (7 to 40 hex characters)', pattern: COMMIT_SHA_PATTERN.source })
  @IsOmittable()
  @IsString()
  commitSha?: string;

  @ApiPropertyOptional({
    description: 'http(s) link to the CI run or the release notes',
    maxLength: MAX_URL_LENGTH,
    format: 'uri',
  })
  @IsOmittable()
  @IsString()
  url?: string;
}

export class DeploymentListQueryDto {
  @ApiPropertyOptional({ description: 'only deployments of this service', pattern: SERVICE_PATTERN.source })
  @IsOmittable()
  @IsString()
  service?: string;
  @PageLimit() limit?: number;
  @ApiPropertyOptional({ description: 'the `next` value of the previous page' })
  @IsOmittable()
  @IsString()
  @MaxLength(80)
  before?: string;
}

export class FlagDeploymentListQueryDto {
  @ApiPropertyOptional({ description: 'only deployments to this environment (key)', pattern: KEY_PATTERN.source })
  @IsOmittable()
  @Matches(KEY_PATTERN)
  @MaxLength(128)
  environment?: string;
  @PageLimit() limit?: number;
  @ApiPropertyOptional({ description: 'the `next` value of the previous page' })
  @IsOmittable()
  @IsString()
  @MaxLength(80)
  before?: string;
}
