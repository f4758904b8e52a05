/**
 * Tags of resources other modules own, which policies can match on but resource strings do not
 * carry (see ResourceAttributesRepository). Accounts sits below those modules, so they implement
 * these (FlagsReadModel, SegmentsReadModel) rather than accounts reading their tables.
 */
export abstract class FlagTags {
  /** The flag's tags (archived or not), or null when the project has no such flag. */
  abstract tags(projectId: string, flagKey: string): Promise<string[] | null>;
}

export abstract class SegmentTags {
  /** The segment's tags (deleted or not), or null when the environment has no such segment. */
  abstract tags(environmentId: string, segmentKey: string): Promise<string[] | null>;
}
