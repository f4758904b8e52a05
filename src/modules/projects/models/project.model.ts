import { Field, Int, ObjectType } from '@nestjs/graphql';

/** GraphQL shape of `environmentView`: keys are null unless the caller may `viewSdkKey`. */
@ObjectType('Environment')
export class EnvironmentModel {
  @Field() key: string;
  @Field() name: string;
  @Field() color: string;
  @Field() critical: boolean;
  @Field(() => [String]) tags: string[];
  @Field(() => Int, { description: 'increments on every change delivered to SDKs; the SSE event id' }) revision: number;
  @Field() clientSideId: string;
  @Field(() => String, { nullable: true }) sdkKey: string | null;
  @Field(() => String, { nullable: true }) mobileKey: string | null;
  @Field() createdAt: string;
}

/** GraphQL shape of `projectView`; environments come loaded with the project, so no loader is needed. */
@ObjectType('Project')
export class ProjectModel {
  @Field() key: string;
  @Field() name: string;
  @Field(() => [String]) tags: string[];
  @Field() createdAt: string;
  @Field(() => [EnvironmentModel]) environments: EnvironmentModel[];
}
