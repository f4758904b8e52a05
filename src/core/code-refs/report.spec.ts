import { MAX_REFERENCES, parseCodeReferenceReport } from './report';

const ok = { repository: 'acme/shop', branch: 'main', commit: 'ABCDEF1', references: [] };

describe('parseCodeReferenceReport', () => {
  it('accepts a report and lower-cases the commit; context defaults to empty', () => {
    expect(
      parseCodeReferenceReport({ ...ok, references: [{ flagKey: 'new-checkout', path: 'src/a.ts', line: 3 }] }),
    ).toEqual({
      report: {
        repository: 'acme/shop',
        branch: 'main',
        commit: 'abcdef1',
        references: [{ flagKey: 'new-checkout', path: 'src/a.ts', line: 3, context: '' }],
      },
    });
  });

  it('lists the problems of the report and of each reference', () => {
    expect(
      parseCodeReferenceReport({
        repository: '',
        branch: 'x'.repeat(257),
        commit: 'not-a-sha',
        references: [
          { flagKey: 'ok', path: '/etc/passwd', line: 0 },
          { flagKey: 'bad key', path: 'a/../b', line: 1, context: 5, extra: true },
          'nope',
        ],
      }),
    ).toEqual({
      errors: [
        { field: 'repository', reason: 'must be a non-empty string of at most 256 characters' },
        { field: 'branch', reason: 'must be a non-empty string of at most 256 characters' },
        { field: 'commit', reason: 'must be a commit id: 4 to 64 hexadecimal characters' },
        {
          index: 0,
          field: 'references.path',
          reason: 'must be a relative path (no leading / and no ..) of at most 1024 characters',
        },
        { index: 0, field: 'references.line', reason: 'must be a line number from 1 to 10000000' },
        { index: 1, field: 'references.extra', reason: 'is not a field of a code reference' },
        { index: 1, field: 'references.flagKey', reason: 'must be a flag key' },
        {
          index: 1,
          field: 'references.path',
          reason: 'must be a relative path (no leading / and no ..) of at most 1024 characters',
        },
        { index: 1, field: 'references.context', reason: 'must be a string of at most 500 characters' },
        { index: 2, field: 'references', reason: 'must be an object {flagKey, path, line, context?}' },
      ],
    });
  });

  it('references must be an array; too many is its own answer', () => {
    expect(parseCodeReferenceReport({ ...ok, references: undefined })).toEqual({
      errors: [{ field: 'references', reason: 'must be an array (empty: the branch has no references any more)' }],
    });
    const many = Array.from({ length: MAX_REFERENCES + 1 }, (_, i) => ({ flagKey: 'f', path: 'a', line: i + 1 }));
    expect(parseCodeReferenceReport({ ...ok, references: many })).toEqual({ tooMany: 10_001 });
  });
});
