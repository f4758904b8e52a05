import fs from 'node:fs';
import { README_PATH } from '../../../scripts/readme-section';
import { renderMutationRegistry, withMutationRegistry } from '../../../scripts/generate-mutation-docs';
import { FLAG_INSTRUCTION_ACTIONS, SEGMENT_INSTRUCTION_ACTIONS } from '../patch';
import { isKnownAction } from './actions';
import { MUTATION_REGISTRY, registryProblems, type MutationEntry } from './mutation-registry';

// Completeness against the running application: test/integration/mutation-registry.spec.ts.
describe('the mutation registry', () => {
  it('names only known actions, gives every not-targeting entry a reason, writes each operation in its form', () => {
    expect(registryProblems()).toEqual([]);
  });

  it('would report an unknown action, a missing reason, a `:param` path and a duplicate', () => {
    const bad = [
      { surface: 'rest', operation: 'POST /api/v1/x', actions: ['updateEverything'], resource: 'x', gate: 'gated' },
      { surface: 'graphql', operation: 'doThing', actions: [], resource: 'x', gate: 'not-targeting', reason: ' ' },
      { surface: 'rest', operation: 'DELETE /api/v1/x/:id', actions: [], resource: 'x', gate: 'governs-the-gate' },
      { surface: 'trigger', operation: 'POST /api/v1/hooks/{s}', actions: [], resource: 'x', gate: 'gated' },
      { surface: 'job', operation: 'release.step', actions: [], resource: 'x', gate: 'gated' },
      { surface: 'job', operation: 'release.step', actions: [], resource: 'x', gate: 'gated' },
    ] as unknown as MutationEntry[];
    expect(registryProblems(bad)).toEqual([
      "rest POST /api/v1/x: unknown action 'updateEverything'",
      'graphql doThing: not-targeting needs a reason',
      'rest DELETE /api/v1/x/:id: not a rest operation',
      'trigger POST /api/v1/hooks/{s}: a trigger URL starts with /api/v1/triggers/',
      'job release.step: listed twice',
    ]);
  });

  it('refuses, at compile time, a not-targeting entry without a reason and an unknown action', () => {
    // Type-level: `tsc` fails if a line marked @ts-expect-error compiles. Never called.
    const compileOnly = (): MutationEntry[] => [
      // @ts-expect-error not-targeting needs a reason
      { surface: 'rest', operation: 'POST /x', actions: [], resource: 'x', gate: 'not-targeting' },
      // @ts-expect-error an action outside the catalogue
      { surface: 'rest', operation: 'POST /x', actions: ['updateEverything'], resource: 'x', gate: 'gated' },
    ];
    expect(compileOnly).toBeInstanceOf(Function);
  });

  it('relies on instruction tables whose actions are all known', () => {
    const actions = [
      ...Object.values(FLAG_INSTRUCTION_ACTIONS).map((a) => a.action),
      ...Object.values(SEGMENT_INSTRUCTION_ACTIONS),
    ];
    expect(actions.filter((a) => !isKnownAction(a))).toEqual([]);
    expect(MUTATION_REGISTRY.some((e) => e.instructions === 'flag')).toBe(true);
  });

  it('says why in the README table', () => {
    const table = renderMutationRegistry();
    expect(table).toContain('| rest | `PATCH /api/v1/projects/{projectKey}/flags/{flagKey}` | gated |');
    expect(table).toContain("each flag instruction's action");
    expect(table.split('\n').length).toBe(MUTATION_REGISTRY.length + 4);
  });

  it("is the README's Mutation registry table (else run `npm run openapi` and commit README.md)", () => {
    const readme = fs.readFileSync(README_PATH, 'utf8');
    expect(readme).toBe(withMutationRegistry(readme));
  });
});
