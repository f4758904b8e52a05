import { ArgsType, Int } from '@nestjs/graphql';
import { AuditLogQueryDto } from './audit-log-query.dto';
import { OptionalField } from '../../graphql/optional-field';

@ArgsType()
export class AuditLogArgs extends AuditLogQueryDto {
  @OptionalField(() => String, {
    description: 'resource specifier with * wildcards, e.g. proj/*:env/production:flag/*',
  })
  override resource?: string;
  @OptionalField(() => String, { description: 'member id (or token id for service tokens)' }) override actor?: string;
  @OptionalField(() => String) override action?: string;
  @OptionalField(() => String, { description: 'entries linked to this change request id' })
  override changeRequest?: string;
  @OptionalField(() => String, { description: 'ISO 8601' }) override from?: string;
  @OptionalField(() => String, { description: 'ISO 8601' }) override to?: string;
  @OptionalField(() => Int, { description: 'default 50, at most 200' }) override limit?: number;
  @OptionalField(() => String, { description: 'the `next` value of the previous page' }) override cursor?: string;
}
