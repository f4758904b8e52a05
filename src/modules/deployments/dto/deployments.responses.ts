import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto } from '../../accounts/models/actor-ref.model';

/** Response shapes of the deployment endpoints, for the OpenAPI document (the service builds them). */

export class DeploymentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() projectKey: string;
  @ApiProperty() environmentKey: string;
  @ApiProperty() service: string;
  @ApiProperty() version: string;
  @ApiProperty({ type: String, nullable: true, description: 'lower-case hex' }) commitSha: string | null;
  @ApiProperty({ type: String, nullable: true }) url: string | null;
  @ApiProperty({ type: ActorRefDto, description: 'who sent the signal (usually a service token)' }) actor: ActorRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class DeploymentEffectDto {
  @ApiProperty() flagKey: string;
  @ApiProperty({ example: 'release_plan.phase_started' }) kind: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'e.g. the run id and the environment' })
  detail: Record<string, unknown>;
}

export class RecordedDeploymentDto extends DeploymentDto {
  @ApiProperty({
    type: [String],
    description: "keys of the project's live flags linked to the service (explicit `services` or tag `service.<name>`)",
  })
  flagKeys: string[];
  @ApiProperty({ type: [DeploymentEffectDto], description: 'what release plans started because of it' })
  effects: DeploymentEffectDto[];
  @ApiProperty({
    description:
      'true: the same environment, service and version was recorded within the last 10 minutes; ' +
      'that deployment is answered (200) and nothing was started again',
  })
  repeated: boolean;
}

export class DeploymentPageDto {
  @ApiProperty({ type: [DeploymentDto], description: 'newest first' }) items: DeploymentDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next (older) page' }) next: string | null;
}
