/**
 * The cross-check corpus (test/e2e/delivery/cross-check.spec.ts, test/e2e/relay/edge-cross-check.spec.ts):
 * a project generated through the management API from a fixed seed — flags of every value type
 * with on/off, off variations, fixed and percentage fallthroughs, user and org targets, rules with
 * every operator (negated or not, with context kinds and attribute paths) serving variations or
 * rollouts, prerequisites, and segments (included/excluded keys, other kinds, rules, weights,
 * nested segments) — random contexts to evaluate it with, and random changes to it.
 */
import type { ApiClient } from '../app-harness';
import { factory, ok, type Flag, type Schemas } from '../factories';
import {
  CITIES,
  COUNTRIES,
  DATES,
  DOMAINS,
  GROUPS,
  ORG_KEYS,
  PLANS,
  SEGMENTS,
  TIERS,
  USER_KEYS,
  VERSIONS,
  prng,
} from './seeded';

export const E = 'production';
export const SEED = 20_240_611;
export const FLAGS = 16;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Instruction = Schemas['FlagInstruction'];
export type SegmentInstruction = Schemas['SegmentInstruction'];
type ClauseInput = Schemas['ClauseInput'];
type Attributes = Record<string, Json>;
export interface TestContext {
  kind: 'user' | 'org';
  key: string;
  attributes: Attributes;
}

/** The corpus in one project's `production` environment; `flags` holds each flag as last written. */
export class CrossCheckCorpus {
  readonly rnd = prng(SEED);
  readonly flags = new Map<string, Flag>();

  constructor(
    private readonly api: ApiClient,
    readonly project: string,
  ) {}

  /** Creates the project (with staging and production), its segments and FLAGS flags. */
  async generate(): Promise<void> {
    await factory.project(this.api, { key: this.project, environments: ['staging', E] });
    await this.generateSegments();
    for (let i = 0; i < FLAGS; i++) await this.generateFlag(i);
  }

  async patchFlag(key: string, instructions: Instruction[]): Promise<Flag> {
    const flag = await factory.patchFlag(this.api, this.project, key, {
      environmentKey: E,
      instructions,
      comment: 'generated',
    });
    this.flags.set(key, flag);
    return flag;
  }

  patchSegment(key: string, instructions: SegmentInstruction[]) {
    return factory.patchSegment(this.api, this.project, E, key, { instructions });
  }

  /** A random clause; `forced` picks the kind of clause (by index) instead, so every operator gets a turn. */
  clause(segmentsAllowed: readonly string[], forced?: number): ClauseInput {
    const negate = this.rnd.chance(0.25);
    const kinds: (() => ClauseInput)[] = [
      () => ({ attribute: 'country', op: 'in', values: this.rnd.sample(COUNTRIES, 1 + this.rnd.int(3)) }),
      () => ({ attribute: 'plan', op: 'in', values: this.rnd.sample(PLANS, 1 + this.rnd.int(2)) }),
      () => ({ attribute: 'key', op: 'in', values: this.rnd.sample(USER_KEYS, 3 + this.rnd.int(6)) }),
      () => ({ attribute: 'groups', op: 'in', values: this.rnd.sample(GROUPS, 1 + this.rnd.int(2)) }),
      () => ({ attribute: 'beta', op: 'in', values: [this.rnd.chance(0.5)] }),
      () => ({ attribute: 'age', op: 'in', values: [30, 42] }),
      () => ({ attribute: 'email', op: 'endsWith', values: [`@${this.rnd.pick(DOMAINS)}`] }),
      () => ({ attribute: 'email', op: 'startsWith', values: this.rnd.sample(['u1', 'u2', 'u3'], 2) }),
      () => ({ attribute: 'email', op: 'contains', values: [this.rnd.pick(['example', '7', 'corp'])] }),
      () => ({
        attribute: 'email',
        op: 'matches',
        values: [this.rnd.pick(['^u[0-9]@', 'example\\.(com|org)$', '[13579]@'])],
      }),
      () => ({
        attribute: 'age',
        op: this.rnd.pick(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'] as const),
        values: [this.rnd.pick([18, 30, 42, 65])],
      }),
      () => ({
        attribute: 'created',
        op: this.rnd.pick(['before', 'after'] as const),
        values: [this.rnd.pick(['2024-01-01T00:00:00Z', 1_650_000_000_000, '2024-06-15T12:30:00Z'])],
      }),
      () => ({
        attribute: 'version',
        op: this.rnd.pick(['semVerEqual', 'semVerLessThan', 'semVerGreaterThan'] as const),
        values: [this.rnd.pick(['1.2.3', '2.0.0', '1.0', '2.0.0-alpha'])],
      }),
      () => ({
        contextKind: 'user',
        attribute: '/address/city',
        op: 'in',
        values: this.rnd.sample(CITIES, 1 + this.rnd.int(2)),
      }),
      () => ({ contextKind: 'org', attribute: 'tier', op: 'in', values: this.rnd.sample(TIERS, 1 + this.rnd.int(2)) }),
      () => ({
        contextKind: 'org',
        attribute: 'employees',
        op: this.rnd.pick(['greaterThan', 'lessThan'] as const),
        values: [this.rnd.pick([50, 500])],
      }),
      () => ({ attribute: 'kind', op: 'in', values: [this.rnd.pick(['user', 'org'])] }),
    ];
    if (forced !== undefined) return { ...kinds[forced % kinds.length](), negate };
    if (segmentsAllowed.length) {
      const segmentClause = (): ClauseInput => ({
        attribute: 'segmentMatch',
        op: 'segmentMatch',
        values: this.rnd.sample(segmentsAllowed, 1 + this.rnd.int(2)),
      });
      kinds.push(segmentClause, segmentClause, segmentClause);
    }
    return { ...this.rnd.pick(kinds)(), negate };
  }

  clauses(segmentsAllowed: readonly string[]): ClauseInput[] {
    return Array.from({ length: 1 + this.rnd.int(this.rnd.chance(0.7) ? 1 : 3) }, () => this.clause(segmentsAllowed));
  }

  /** variationId, or rolloutWeights (+ sometimes bucketBy / an org rollout). */
  serve(flag: Flag, rolloutChance: number): Record<string, unknown> {
    if (!this.rnd.chance(rolloutChance)) return { variationId: this.rnd.pick(flag.variations)._id };
    const w = this.rnd.weights(flag.variations.length);
    const out: Record<string, unknown> = {
      rolloutWeights: Object.fromEntries(flag.variations.map((v, i) => [v._id, w[i]])),
    };
    const r = this.rnd.next();
    if (r < 0.2) out.rolloutBucketBy = 'email';
    else if (r < 0.35) out.rolloutContextKind = 'org';
    return out;
  }

  private readonly valueSets: (unknown[] | undefined)[] = [
    undefined, // boolean
    ['red', 'green', 'blue'],
    [0, 1.5, 42],
    [{ layout: 'grid', columns: 3 }, { layout: 'list' }],
    ['alpha', 'beta', 'gamma', 'delta'],
  ];

  async generateSegments() {
    await factory.segment(this.api, this.project, E, {
      key: 'seg-0',
      included: this.rnd.sample(USER_KEYS, 8),
      excluded: this.rnd.sample(USER_KEYS, 3),
    });
    await this.patchSegment('seg-0', [
      { kind: 'addIncludedTargets', contextKind: 'org', values: this.rnd.sample(ORG_KEYS, 3) },
    ]);
    await factory.segment(this.api, this.project, E, { key: 'seg-1' });
    await this.patchSegment('seg-1', [
      { kind: 'addRule', clauses: [{ attribute: 'country', op: 'in', values: ['NL', 'BE'] }] },
    ]);
    await factory.segment(this.api, this.project, E, { key: 'seg-2', excluded: this.rnd.sample(USER_KEYS, 3) });
    await this.patchSegment('seg-2', [
      {
        kind: 'addRule',
        clauses: [{ attribute: 'plan', op: 'in', values: ['pro', 'enterprise'] }],
        weight: 40_000,
        rolloutBucketBy: 'email',
      },
    ]);
    await factory.segment(this.api, this.project, E, { key: 'seg-3' });
    await this.patchSegment('seg-3', [
      {
        kind: 'addRule',
        clauses: [
          { attribute: 'segmentMatch', op: 'segmentMatch', values: ['seg-1'] },
          { attribute: 'age', op: 'greaterThanOrEqual', values: [30] },
        ],
      },
      { kind: 'addRule', clauses: [this.clause(['seg-0'])] },
    ]);
    await factory.segment(this.api, this.project, E, { key: 'seg-4' });
    await this.patchSegment('seg-4', [
      {
        kind: 'addRule',
        clauses: [{ contextKind: 'org', attribute: 'tier', op: 'in', values: ['gold', 'silver'] }],
        weight: 70_000,
        rolloutContextKind: 'org',
      },
    ]);
  }

  async generateFlag(i: number) {
    const key = `flag-${i}`;
    const values = this.valueSets[i % this.valueSets.length];
    const flag = await factory.flag(this.api, this.project, { key, ...(values ? { variations: values } : {}) });
    const instructions: Instruction[] = [];
    if (this.rnd.chance(0.9)) instructions.push({ kind: 'turnFlagOn' });
    instructions.push(
      this.rnd.chance(0.1)
        ? { kind: 'updateOffVariation', variationId: null }
        : { kind: 'updateOffVariation', variationId: this.rnd.pick(flag.variations)._id },
    );
    instructions.push({ kind: 'updateFallthroughVariationOrRollout', ...this.serve(flag, 0.5) });
    // Targets: a key is targeted by at most one variation per kind.
    const userKeys = this.rnd.sample(USER_KEYS, 6);
    const orgKeys = this.rnd.sample(ORG_KEYS, 4);
    if (this.rnd.chance(0.5))
      instructions.push({
        kind: 'addTargets',
        values: userKeys.slice(0, 2),
        variationId: this.rnd.pick(flag.variations)._id,
      });
    if (this.rnd.chance(0.3))
      instructions.push({
        kind: 'addTargets',
        values: userKeys.slice(2, 4),
        variationId: this.rnd.pick(flag.variations)._id,
      });
    if (this.rnd.chance(0.3))
      instructions.push({
        kind: 'addTargets',
        contextKind: 'org',
        values: orgKeys.slice(0, 2),
        variationId: this.rnd.pick(flag.variations)._id,
      });
    // The first rule has one clause of the i-th kind; then up to three random rules.
    instructions.push({ kind: 'addRule', clauses: [this.clause(SEGMENTS, i)], ...this.serve(flag, 0.4) });
    const rules = this.rnd.int(4);
    for (let r = 0; r < rules; r++)
      instructions.push({ kind: 'addRule', clauses: this.clauses(SEGMENTS), ...this.serve(flag, 0.4) });
    // Prerequisites only on earlier flags, so there are no cycles.
    // Half of them require what the prerequisite serves by default, so they often pass.
    if (i >= 2 && this.rnd.chance(0.2)) {
      const prerequisite = this.flags.get(`flag-${this.rnd.int(i)}`)!;
      const served = prerequisite.environments[E].fallthrough.variation;
      const variation =
        served !== undefined && this.rnd.chance(0.5)
          ? prerequisite.variations[served]
          : this.rnd.pick(prerequisite.variations);
      instructions.push({ kind: 'addPrerequisite', key: prerequisite.key, variationId: variation._id });
    }
    this.flags.set(key, flag);
    await this.patchFlag(key, instructions);
  }

  randomContext(): TestContext {
    if (this.rnd.chance(0.2)) {
      const attributes: Attributes = { tier: this.rnd.pick(TIERS), employees: this.rnd.pick([10, 50, 120, 800]) };
      if (this.rnd.chance(0.3)) attributes.country = this.rnd.pick(COUNTRIES);
      return {
        kind: 'org',
        key: this.rnd.chance(0.8) ? this.rnd.pick(ORG_KEYS) : `org-${this.rnd.int(1000)}`,
        attributes,
      };
    }
    const key = this.rnd.chance(0.7) ? this.rnd.pick(USER_KEYS) : `user-${this.rnd.int(100_000)}`;
    const attributes: Attributes = {};
    const maybe = (p: number, name: string, value: () => Json) => {
      if (this.rnd.chance(p)) attributes[name] = value();
    };
    maybe(0.8, 'email', () => `${key}@${this.rnd.pick(DOMAINS)}`);
    maybe(0.8, 'country', () => this.rnd.pick(COUNTRIES));
    maybe(0.8, 'plan', () => this.rnd.pick(PLANS));
    maybe(0.7, 'age', () => this.rnd.pick<Json>([12, 18, 29, 30, 42, 64.5, 65, 90, '30']));
    maybe(0.6, 'version', () => this.rnd.pick(VERSIONS));
    maybe(0.6, 'created', () => this.rnd.pick(DATES));
    maybe(0.5, 'groups', () => this.rnd.sample(GROUPS, this.rnd.int(3)));
    maybe(0.5, 'beta', () => this.rnd.chance(0.5));
    maybe(0.4, 'address', () => ({ city: this.rnd.pick(CITIES), zip: String(1000 + this.rnd.int(9000)) }));
    return { kind: 'user', key, attributes };
  }

  /** Random changes to flags and segments; last a change to flag-0 (a stream that has it has every change before it). */
  async change(): Promise<void> {
    for (let i = 0; i < FLAGS; i++) {
      const flag = this.flags.get(`flag-${i}`)!;
      const instructions: Instruction[] = [];
      if (this.rnd.chance(0.3)) instructions.push({ kind: flag.environments[E].on ? 'turnFlagOff' : 'turnFlagOn' });
      if (this.rnd.chance(0.4))
        instructions.push({ kind: 'updateFallthroughVariationOrRollout', ...this.serve(flag, 0.6) });
      if (this.rnd.chance(0.4)) {
        // New rules go first, so they take effect before the existing ones.
        const first = flag.environments[E].rules[0]?._id;
        instructions.push({
          kind: 'addRule',
          clauses: this.clauses(SEGMENTS),
          ...this.serve(flag, 0.5),
          ...(first ? { beforeRuleId: first } : {}),
        });
      }
      if (instructions.length) await this.patchFlag(flag.key, instructions);
    }
    await this.patchSegment('seg-0', [
      { kind: 'addIncludedTargets', values: this.rnd.sample(USER_KEYS, 5) },
      { kind: 'removeExcludedTargets', values: USER_KEYS },
    ]);
    await this.patchSegment('seg-1', [
      { kind: 'addRule', clauses: [{ attribute: 'plan', op: 'in', values: ['enterprise'] }] },
    ]);
    await this.patchSegment('seg-2', [
      {
        kind: 'updateRuleRollout',
        ruleId: ok(
          await this.api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
            params: { path: { projectKey: this.project, envKey: E, segmentKey: 'seg-2' } },
          }),
        ).rules[0]._id,
        weight: 80_000,
      },
    ]);
    // A last flag change: the stream is ordered by revision, so once the SDK has it, it has everything.
    await this.patchFlag('flag-0', [
      { kind: 'turnFlagOn' },
      { kind: 'addTargets', values: ['u-sentinel'], variationId: this.flags.get('flag-0')!.variations[0]._id },
    ]);
  }
}
