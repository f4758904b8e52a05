import { EnvironmentHandler } from './flag-patch-types';
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
} satisfies Record<string, EnvironmentHandler>;
