import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';

/** GraphQL shape of `AuditEntryView` (ids are strings: they are 64-bit). */
@ObjectType('AuditEntry')
export class AuditEntryModel {
  @Field() id: string;
  @Field() at: string;
  @Field(() => GraphQLJSON, { description: '{ kind, id, name, memberId?, tokenId? }' }) actor: unknown;
  @Field() action: string;
  @Field() resource: string;
  @Field() comment: string;
  @Field(() => GraphQLJSON, { nullable: true }) before: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'RFC 6902 patch from before to after' }) delta: unknown;
  @Field(() => Int, { nullable: true }) previousVersion: number | null;
  @Field(() => Int, { nullable: true }) currentVersion: number | null;
  @Field(() => String, { nullable: true }) requestId: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) links: unknown;
  @Field() hash: string;
  @Field() prevHash: string;
}

@ObjectType('AuditPage')
export class AuditPageModel {
  @Field(() => [AuditEntryModel]) items: AuditEntryModel[];
  @Field(() => String, { nullable: true, description: 'pass as `cursor` for the next (older) page' }) next:
    string | null;
}

/** Result of recomputing the hash chain. */
@ObjectType('AuditChainCheck')
export class AuditChainCheckModel {
  @Field() ok: boolean;
  @Field(() => Int) checked: number;
  @Field(() => String, { nullable: true }) firstBrokenId?: string;
  @Field(() => String, { nullable: true }) reason?: string;
}
