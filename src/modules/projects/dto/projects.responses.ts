import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of projects and environments (views.ts builds them), for the OpenAPI document. */

export class EnvironmentDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: '417505' }) color: string;
  @ApiProperty() critical: boolean;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: 'integer', description: 'increases with every change delivered to SDKs' }) revision: number;
  @ApiProperty() clientSideId: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'server-side SDK key; null unless the caller may viewSdkKey',
  })
  sdkKey: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null unless the caller may viewSdkKey' }) mobileKey:
    string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class EnvironmentListDto {
  @ApiProperty({ type: [EnvironmentDto] }) items: EnvironmentDto[];
}

export class ProjectDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [EnvironmentDto] }) environments: EnvironmentDto[];
}

export class ProjectListDto {
  @ApiProperty({ type: [ProjectDto] }) items: ProjectDto[];
}
