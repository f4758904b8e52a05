import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the operations endpoints, for the OpenAPI document. */

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty({ example: 'ok', description: "'ok' or 'error: <reason>'" }) postgres: string;
  @ApiProperty({ example: 'ok', description: "'ok' or 'error: <reason>'" }) redis: string;
  @ApiProperty({ example: 'ok', description: "'ok', 'pending: <names>' or 'error: <reason>'" }) migrations: string;
  @ApiProperty({
    required: false,
    example: 'ok',
    description: "Nodes serving SDK traffic only: 'ok' once the snapshots were loaded, else 'not loaded yet'",
  })
  snapshots?: string;
}

export class ReadinessDto {
  @ApiProperty({
    enum: ['ok', 'degraded', 'down'],
    description: "'degraded': a store is unreachable but the node serves from its snapshots; 'down': it cannot serve",
  })
  status: 'ok' | 'degraded' | 'down';
  @ApiProperty({ description: "false only when `status` is 'down'" }) ready: boolean;
  @ApiProperty({ type: ReadinessChecksDto }) checks: ReadinessChecksDto;
}
