import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

export class CodeReferenceInputDto {
  @ApiProperty({ description: 'the flag key found' }) flagKey: string;
  @ApiProperty({ maxLength: 1024, description: 'path relative to the repository root, with /' }) path: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) line: number;
  @ApiPropertyOptional({ maxLength: 500, description: 'the line (trimmed), for people reading the reference' })
  context?: string;
}

/**
 * The body of POST .../code-references. Checked by core/code-refs (one 400 `code_reference/invalid`
 * listing every problem; more than 10,000 references: 422 `code_reference/too_many`), so only declared here.
 */
export class ReportCodeReferencesDto {
  @ApiProperty({ maxLength: 256, example: 'acme/shop' }) @Allow() repository: string;
  @ApiProperty({ maxLength: 256, example: 'main' }) @Allow() branch: string;
  @ApiProperty({ description: 'commit id, 4 to 64 hexadecimal characters' }) @Allow() commit: string;
  @ApiProperty({
    type: [CodeReferenceInputDto],
    maxItems: 10000,
    description: "the branch's whole set: it replaces what the repository+branch had",
  })
  @Allow()
  references: CodeReferenceInputDto[];
}

export class CodeReferenceReportResultDto {
  @ApiProperty() repository: string;
  @ApiProperty() branch: string;
  @ApiProperty() commit: string;
  @ApiProperty({ type: 'integer', description: 'references stored (the branch’s set now)' }) stored: number;
  @ApiProperty({ type: 'integer', description: 'references the branch had before' }) replaced: number;
  @ApiProperty({ type: [String], description: 'keys that name no flag of the project (not stored)' })
  unknownFlagKeys: string[];
}

export class CodeReferenceDto {
  @ApiProperty() repository: string;
  @ApiProperty() branch: string;
  @ApiProperty() commit: string;
  @ApiProperty() path: string;
  @ApiProperty({ type: 'integer' }) line: number;
  @ApiProperty() context: string;
  @ApiProperty({ format: 'date-time' }) reportedAt: string;
}

export class CodeReferenceListDto {
  @ApiProperty({ type: [CodeReferenceDto], description: 'by repository, branch, path and line; at most 1,000' })
  items: CodeReferenceDto[];
}
