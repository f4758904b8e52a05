import { EnvironmentHandler } from './flag-patch-types';
import { Fields } from './instruction-fields';
import { SERVE_FIELDS, readVariationIndex, readVariationOrRollout } from './rollout-input';

/** What an environment serves when it is on with nothing matching, or off. */
export const FLAG_SERVING_HANDLERS = {
  turnFlagOn: {
    action: 'updateOn',
    fields: [],
    apply(_f, { env }) {
      env.on = true;
    },
  },
  turnFlagOff: {
    action: 'updateOn',
    fields: [],
    apply(_f, { env }) {
      env.on = false;
    },
  },
  updateFallthroughVariationOrRollout: {
    action: 'updateFallthrough',
    fields: SERVE_FIELDS,
    apply(f, { env, flag }) {
      env.fallthrough = readVariationOrRollout(f, flag.variations, env.fallthrough);
    },
  },
  updateOffVariation: {
    action: 'updateOffVariation',
    fields: ['variationId'],
    apply(f, { env, flag }) {
      // null is meaningful here: no off variation, so the SDK serves the caller's default when off.
      if (f.isNull('variationId')) env.offVariation = null;
      else env.offVariation = readVariationIndex(f, flag.variations);
    },
  },
  // Whether SDKs send a full feature event (which variation each context got) for every
  // evaluation, or only for those served by the fallthrough; guarded releases need these events.
  updateTrackEvents: {
    action: 'updateTrackEvents',
    fields: ['trackEvents'],
    apply(f, { env }) {
      env.trackEvents = requiredBoolean(f, 'trackEvents');
    },
  },
  updateTrackEventsFallthrough: {
    action: 'updateTrackEvents',
    fields: ['trackEvents'],
    apply(f, { env }) {
      env.trackEventsFallthrough = requiredBoolean(f, 'trackEvents');
    },
  },
} satisfies Record<string, EnvironmentHandler>;

export function requiredBoolean(f: Fields, field: string): boolean {
  const value = f.optBoolean(field);
  if (value === undefined) f.fail('is required', field);
  return value;
}
