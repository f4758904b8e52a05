import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig, VariationOrRollout } from '../model/flag-config';
import { canonicalJson } from '../audit/canonical-json';
import { toSdkFlag, toSdkSegment } from '../model/sdk-shape';
import type { ApprovalSettings } from './approval-settings';

export interface FlagState {
  flag: FlagDefinition;
  environment: FlagEnvironmentConfig;
}

/**
 * Why a change needs approval under the settings, one reason per matching condition; empty when
 * it does not. The gate looks at what the change does (before vs after), not at instruction kinds,
 * so every route to the same effect is gated the same way.
 */
export function flagApprovalReasons(settings: ApprovalSettings, before: FlagState, after: FlagState): string[] {
  if (!settings.required) return [];
  // Tags of both sides: removing the tag that requires approval is itself a gated change.
  if (!tagged(settings, before.flag.tags, after.flag.tags)) return [];
  const reasons: string[] = [];
  for (const condition of settings.conditions) {
    if (condition === 'anyChange' && !sameJson(servedFlag(before), servedFlag(after)))
      reasons.push('the environment requires approval for any change');
    if (condition === 'toggle' && before.environment.on !== after.environment.on)
      reasons.push(`the change turns the flag ${after.environment.on ? 'on' : 'off'}`);
    if (condition === 'targeting' && !sameTargeting(before.environment, after.environment))
      reasons.push('the change modifies rules or targets');
    if (condition === 'rolloutIncrease') {
      const rise = largestFlagShareIncrease(before, after);
      if (rise && rise.increase > settings.rolloutIncreaseThreshold) {
        reasons.push(
          `the change raises a variation's share of ${rise.where} by ${rise.increase} thousandths ` +
            `(threshold ${settings.rolloutIncreaseThreshold})`,
        );
      }
    }
  }
  return reasons;
}

/** The segment twin: `toggle` never matches; `rolloutIncrease` looks at rule weights. */
export function segmentApprovalReasons(
  settings: ApprovalSettings,
  before: SegmentConfig,
  after: SegmentConfig,
): string[] {
  if (!settings.required) return [];
  if (!tagged(settings, before.tags, after.tags)) return [];
  const reasons: string[] = [];
  for (const condition of settings.conditions) {
    if (condition === 'anyChange' && !sameJson(servedSegment(before), servedSegment(after)))
      reasons.push('the environment requires approval for any change');
    if (condition === 'targeting' && !sameSegmentTargeting(before, after))
      reasons.push("the change modifies the segment's rules or targets");
    if (condition === 'rolloutIncrease') {
      const rise = largestSegmentWeightIncrease(before, after);
      if (rise > settings.rolloutIncreaseThreshold)
        reasons.push(
          `the change raises a segment rule's weight by ${rise} thousandths (threshold ${settings.rolloutIncreaseThreshold})`,
        );
    }
  }
  return reasons;
}

function tagged(settings: ApprovalSettings, before: string[], after: string[]): boolean {
  if (!settings.requiredApprovalTags.length) return true;
  return [...before, ...after].some((t) => settings.requiredApprovalTags.includes(t));
}

const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** What SDKs receive, minus the version (which every write bumps). */
function servedFlag(s: FlagState) {
  const { version: _v, ...rest } = toSdkFlag(s.flag, s.environment);
  return rest;
}

function servedSegment(s: SegmentConfig) {
  const { version: _v, ...rest } = toSdkSegment(s);
  return rest;
}

const sameTargeting = (a: FlagEnvironmentConfig, b: FlagEnvironmentConfig) =>
  sameJson([a.rules, a.targets, a.contextTargets], [b.rules, b.targets, b.contextTargets]);

const sameSegmentTargeting = (a: SegmentConfig, b: SegmentConfig) =>
  sameJson(
    [a.rules, a.included, a.excluded, a.includedContexts, a.excludedContexts],
    [b.rules, b.included, b.excluded, b.includedContexts, b.excludedContexts],
  );

/**
 * Share (thousandths) of each variation, keyed by the variation's stable id so that removing or
 * reordering variations is not mistaken for a shift of traffic.
 */
export function variationShares(vor: VariationOrRollout, variationIds: string[]): Map<string, number> {
  const shares = new Map<string, number>();
  const add = (index: number, weight: number) => {
    const id = variationIds[index] ?? `#${index}`;
    shares.set(id, (shares.get(id) ?? 0) + weight);
  };
  if (vor.rollout) for (const wv of vor.rollout.variations) add(wv.variation, wv.weight);
  else if (vor.variation !== undefined) add(vor.variation, 100_000);
  return shares;
}

function increase(before: Map<string, number>, after: Map<string, number>): number {
  let max = 0;
  for (const [id, share] of after) max = Math.max(max, share - (before.get(id) ?? 0));
  return max;
}

/** The largest rise of any variation's share, over the fallthrough and every rule (a new rule starts from 0). */
export function largestFlagShareIncrease(
  before: FlagState,
  after: FlagState,
): { where: string; increase: number } | undefined {
  const idsBefore = before.flag.variations.map((v) => v._id);
  const idsAfter = after.flag.variations.map((v) => v._id);
  let best: { where: string; increase: number } | undefined;
  const consider = (where: string, inc: number) => {
    if (inc > 0 && (!best || inc > best.increase)) best = { where, increase: inc };
  };
  consider(
    'the fallthrough',
    increase(
      variationShares(before.environment.fallthrough, idsBefore),
      variationShares(after.environment.fallthrough, idsAfter),
    ),
  );
  for (const rule of after.environment.rules) {
    const old = before.environment.rules.find((r) => r._id === rule._id);
    consider(
      `rule ${rule._id}`,
      increase(old ? variationShares(old, idsBefore) : new Map<string, number>(), variationShares(rule, idsAfter)),
    );
  }
  return best;
}

function largestSegmentWeightIncrease(before: SegmentConfig, after: SegmentConfig): number {
  let max = 0;
  for (const rule of after.rules) {
    const old = before.rules.find((r) => r._id === rule._id);
    max = Math.max(max, (rule.weight ?? 100_000) - (old ? (old.weight ?? 100_000) : 0));
  }
  return max;
}
