/**
 * Checking a PUT of lifecycle settings: every problem at once, as field errors, so the one 400
 * `lifecycle/invalid_settings` says all that is wrong. Omitted fields take the defaults (PUT
 * replaces the settings whole); unknown fields are refused, so a typo is not silently ignored.
 */
import type { FieldError } from '../errors';
import {
  ARCHIVAL_MODES,
  DEFAULT_LIFECYCLE_SETTINGS,
  MAX_DAYS,
  type ArchivalMode,
  type LifecycleSettings,
} from './settings';

const DAY_FIELDS = ['newDays', 'rolledOutDays'] as const;
const NULLABLE_DAY_FIELDS = ['staleNotEvaluatedDays', 'staleRolledOutDays'] as const;
const BOOLEAN_FIELDS = ['stalePastRemovalDate', 'staleNoCodeReferences'] as const;
const KNOWN = new Set<string>([...DAY_FIELDS, ...NULLABLE_DAY_FIELDS, ...BOOLEAN_FIELDS, 'archival']);

const isDays = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_DAYS;
const DAYS_REASON = `must be a whole number of days from 0 to ${MAX_DAYS}`;

export function parseLifecycleSettings(input: unknown): { settings: LifecycleSettings } | { errors: FieldError[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { errors: [{ reason: 'the body must be a JSON object' }] };
  const body = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const settings: LifecycleSettings = {
    ...DEFAULT_LIFECYCLE_SETTINGS,
    archival: { ...DEFAULT_LIFECYCLE_SETTINGS.archival },
  };
  for (const field of Object.keys(body))
    if (!KNOWN.has(field)) errors.push({ field, reason: 'is not a lifecycle setting' });
  for (const field of DAY_FIELDS) {
    const v = body[field];
    if (v === undefined) continue;
    if (isDays(v)) settings[field] = v;
    else errors.push({ field, reason: DAYS_REASON });
  }
  for (const field of NULLABLE_DAY_FIELDS) {
    const v = body[field];
    if (v === undefined) continue;
    if (v === null || isDays(v)) settings[field] = v;
    else errors.push({ field, reason: `${DAYS_REASON}, or null to switch the rule off` });
  }
  for (const field of BOOLEAN_FIELDS) {
    const v = body[field];
    if (v === undefined) continue;
    if (typeof v === 'boolean') settings[field] = v;
    else errors.push({ field, reason: 'must be true or false' });
  }
  const archival = body.archival;
  if (archival !== undefined) {
    if (typeof archival !== 'object' || archival === null || Array.isArray(archival))
      errors.push({ field: 'archival', reason: 'must be an object {mode, graceDays}' });
    else {
      const a = archival as Record<string, unknown>;
      for (const field of Object.keys(a))
        if (field !== 'mode' && field !== 'graceDays')
          errors.push({ field: `archival.${field}`, reason: 'is not an archival setting' });
      if (a.mode !== undefined) {
        if (ARCHIVAL_MODES.includes(a.mode as ArchivalMode)) settings.archival.mode = a.mode as ArchivalMode;
        else errors.push({ field: 'archival.mode', reason: `must be one of ${ARCHIVAL_MODES.join(', ')}` });
      }
      if (a.graceDays !== undefined) {
        if (isDays(a.graceDays)) settings.archival.graceDays = a.graceDays;
        else errors.push({ field: 'archival.graceDays', reason: DAYS_REASON });
      }
    }
  }
  return errors.length ? { errors } : { settings };
}
