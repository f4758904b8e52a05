import { JsonValue, Variation } from '../model/flag-config';
import { FlagLevelHandler } from './flag-patch-types';
import { Fields } from './instruction-fields';
import { deepEqual, variationValueType } from './json-value';
import { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, MAX_VARIATIONS, MAX_VARIATION_VALUE_CHARS } from './limits';
import { readVariationIndex } from './rollout-input';
import { removeVariationAt, variationUsages } from './variation-usage';

/** A flag's variations share one JSON type and are distinct, or SDK callers could not tell them apart. */
function readVariationValue(f: Fields, others: Variation[]): JsonValue {
  const value = f.json('value');
  // As at flag creation: null is what the SDK serves when there is no value, so it cannot be one.
  if (value === null) f.fail('a variation value cannot be null', 'value');
  if (JSON.stringify(value).length > MAX_VARIATION_VALUE_CHARS) {
    f.fail(`must be at most ${MAX_VARIATION_VALUE_CHARS} characters as JSON`, 'value');
  }
  const expected = others[0] && variationValueType(others[0].value);
  const actual = variationValueType(value);
  if (expected && actual !== expected)
    f.fail(`must be a ${expected} like the other variations, not a ${actual}`, 'value');
  const duplicate = others.find((other) => deepEqual(other.value, value));
  if (duplicate) f.fail(`duplicates the value of variation '${duplicate._id}'`, 'value');
  return value;
}

/** Optional text: absent leaves it alone, an empty string removes it. */
function setText(variation: Variation, field: 'name' | 'description', text: string | undefined): void {
  if (text === undefined) return;
  if (text === '') delete variation[field];
  else variation[field] = text;
}

const readVariationName = (f: Fields) => f.optString('name', { max: MAX_NAME_LENGTH, allowEmpty: true });
const readVariationDescription = (f: Fields) =>
  f.optString('description', { max: MAX_DESCRIPTION_LENGTH, allowEmpty: true });

export const FLAG_VARIATION_HANDLERS = {
  addVariation: {
    action: 'updateFlagVariations',
    fields: ['value', 'name', 'description'],
    apply(f, { flag, ctx }) {
      if (flag.kind === 'boolean') f.fail('a boolean flag has exactly the variations true and false');
      if (flag.variations.length >= MAX_VARIATIONS) f.fail(`a flag has at most ${MAX_VARIATIONS} variations`);
      const variation: Variation = { _id: ctx.newId(), value: readVariationValue(f, flag.variations) };
      setText(variation, 'name', readVariationName(f));
      setText(variation, 'description', readVariationDescription(f));
      flag.variations.push(variation);
    },
  },
  updateVariation: {
    action: 'updateFlagVariations',
    fields: ['variationId', 'value', 'name', 'description'],
    apply(f, { flag }) {
      const index = readVariationIndex(f, flag.variations);
      const variation = flag.variations[index];
      if (!f.isPresent('value') && !f.has('name') && !f.has('description')) {
        f.fail('at least one of value, name or description is required');
      }
      if (f.isPresent('value'))
        variation.value = readVariationValue(
          f,
          flag.variations.filter((_, i) => i !== index),
        );
      setText(variation, 'name', readVariationName(f));
      setText(variation, 'description', readVariationDescription(f));
    },
  },
  removeVariation: {
    action: 'updateFlagVariations',
    fields: ['variationId'],
    apply(f, { flag, environments }) {
      if (flag.kind === 'boolean') f.fail('a boolean flag has exactly the variations true and false');
      const index = readVariationIndex(f, flag.variations);
      if (flag.variations.length <= 2) f.fail('a flag needs at least two variations', 'variationId');
      const usages = variationUsages(flag, environments, index);
      if (usages.length > 0)
        f.fail(`variation '${flag.variations[index]?._id}' is in use: ${usages.join('; ')}`, 'variationId');
      removeVariationAt(flag, environments, index);
    },
  },
} satisfies Record<string, FlagLevelHandler>;
