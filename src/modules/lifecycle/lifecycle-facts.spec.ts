import { makeEnv } from '../../../test/support/fixtures/patch';
import type { FlagLifecycleRow } from '../flags/flags.repository';
import { lifecycleFactsOf } from './lifecycle-facts';

const at = (iso: string) => new Date(iso);
const off = makeEnv({ on: false });

const row: FlagLifecycleRow = {
  id: 'f-1',
  key: 'banner',
  createdAt: at('2026-01-01T00:00:00Z'),
  archived: false,
  definition: {
    key: 'banner',
    name: 'Banner',
    description: '',
    kind: 'boolean',
    variations: [
      { _id: 'a', value: true },
      { _id: 'b', value: false },
    ],
    tags: [],
    temporary: true,
    archived: false,
    clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false },
    defaults: { onVariation: 0, offVariation: 1 },
    plannedRemovalDate: '2026-03-01',
  },
  environments: [
    {
      environmentId: 'env-prod',
      versions: [
        { version: 2, createdAt: at('2026-02-01T00:00:00Z'), config: { ...off, on: true, version: 2 } },
        { version: 1, createdAt: at('2026-01-01T00:00:00Z'), config: off },
      ],
    },
    {
      environmentId: 'env-stg',
      versions: [
        {
          version: 2,
          createdAt: at('2026-02-01T00:00:00Z'),
          config: { ...off, on: true, rules: [{ _id: 'r', clauses: [], trackEvents: false, variation: 1 }] },
        },
      ],
    },
  ],
};

describe('lifecycleFactsOf', () => {
  it("joins the flag's versions, last evaluations and reference count per environment of the project", () => {
    const last = new Map([
      ['env-prod/banner', at('2026-02-10T00:00:00Z')],
      ['env-prod/other', at('2026-02-20T00:00:00Z')], // another flag's evaluation: not this one's
      ['env-stg/banner', at('2026-02-11T00:00:00Z')],
    ]);
    const environments = [
      { id: 'env-prod', key: 'production' },
      { id: 'env-stg', key: 'staging' },
      { id: 'env-new', key: 'qa' }, // created after the flag's versions were read: no versions
    ];
    expect(lifecycleFactsOf(row, environments, last, 4)).toEqual({
      createdAt: at('2026-01-01T00:00:00Z'),
      archived: false,
      temporary: true,
      plannedRemovalDate: '2026-03-01',
      codeReferenceCount: 4,
      environments: [
        // On with everyone on variation 0 since version 2 (version 1 was off: another run).
        { key: 'production', lastEvaluatedAt: at('2026-02-10T00:00:00Z'), servingOneSince: at('2026-02-01T00:00:00Z') },
        // A rule serving the other variation: not one variation to everyone.
        { key: 'staging', lastEvaluatedAt: at('2026-02-11T00:00:00Z'), servingOneSince: undefined },
        { key: 'qa', lastEvaluatedAt: null, servingOneSince: undefined },
      ],
    });
  });
});
