import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the operations endpoints, for the OpenAPI document. */

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty({ example: 'ok', description: "'ok' or 'error: <reason>'" }) postgres: string;
  @ApiProperty({ example: 'ok', description: "'ok' or 'error: <reason>'" }) redis: string;
  @ApiProperty({ example: 'ok', description: "'ok', 'pending: <names>' or 'error: <reason>'" }) migrations: string;
}

export class ReadinessDto {
  @ApiProperty() ready: boolean;
  @ApiProperty({ type: ReadinessChecksDto }) checks: ReadinessChecksDto;
}
