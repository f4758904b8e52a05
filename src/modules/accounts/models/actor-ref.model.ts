import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const KINDS = ['member', 'token', 'system', 'trigger'] as const;

/** Who did something, named (REST): as recorded when it was done (never a policy or a secret). */
export class ActorRefDto {
  @ApiProperty({ enum: KINDS, description: "`system` is Gantry itself, or acting on someone's behalf (see name)" })
  kind: (typeof KINDS)[number];
  @ApiProperty({ description: 'member id, service token id, trigger id, or `system`' }) id: string;
  @ApiProperty({ description: "the member's or token's name (automation says on whose behalf)" }) name: string;
  @ApiPropertyOptional({ description: "the member's email (members only; absent on records made before it was kept)" })
  email?: string;
  @ApiPropertyOptional() memberId?: string;
  @ApiPropertyOptional() tokenId?: string;
}

/** Who started something that runs later (a schedule, a release, a run), and whether they bypassed required approval then. */
export class CreatorRefDto extends ActorRefDto {
  @ApiPropertyOptional({
    description: "true when the environment's approval settings applied and the creator could bypass them",
  })
  bypass?: boolean;
  @ApiPropertyOptional({ description: 'the break-glass reason, when creating it went past a required approval' })
  bypassReason?: string;
}

/** Who did something, named (GraphQL). */
@ObjectType('ActorRef')
export class ActorRefModel {
  @Field({ description: 'member, token, system or trigger' }) kind: string;
  @Field() id: string;
  @Field({ nullable: true, description: "the member's or token's name" }) name?: string;
  @Field({ nullable: true, description: "the member's email (members only)" }) email?: string;
  @Field({ nullable: true }) memberId?: string;
  @Field({ nullable: true }) tokenId?: string;
}
