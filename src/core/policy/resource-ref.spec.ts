import { DomainError } from '../errors';
import {
  auditLogResource,
  environmentResource,
  flagResource,
  memberResource,
  personalTokenResource,
  projectResource,
  segmentResource,
  serviceTokenResource,
} from './resource-builders';
import { formatResource, parseResourceRef } from './resource-ref';

describe('resource builders', () => {
  it('build the path from the root with tags and the critical attribute', () => {
    expect(
      flagResource({ key: 'p', tags: ['mobile'] }, { key: 'production', critical: true }, { key: 'f', tags: ['beta'] }),
    ).toEqual([
      { type: 'proj', key: 'p', tags: ['mobile'] },
      { type: 'env', key: 'production', tags: [], attributes: { critical: true } },
      { type: 'flag', key: 'f', tags: ['beta'] },
    ]);
    expect(segmentResource('p', { key: 'dev', critical: false, tags: ['qa'] }, 's')).toEqual([
      { type: 'proj', key: 'p', tags: [] },
      { type: 'env', key: 'dev', tags: ['qa'], attributes: { critical: false } },
      { type: 'segment', key: 's', tags: [] },
    ]);
    expect(personalTokenResource('m1', 't1')).toEqual([
      { type: 'member', key: 'm1' },
      { type: 'token', key: 't1' },
    ]);
  });

  it('format to the canonical specifier without modifiers', () => {
    expect(formatResource(flagResource({ key: 'p', tags: ['x'] }, { key: 'production', critical: true }, 'f'))).toBe(
      'proj/p:env/production:flag/f',
    );
    expect(formatResource(environmentResource('p', { key: 'e', critical: false }))).toBe('proj/p:env/e');
    expect(formatResource(projectResource('p'))).toBe('proj/p');
    expect(formatResource(memberResource('m1'))).toBe('member/m1');
    expect(formatResource(personalTokenResource('m1', 't1'))).toBe('member/m1:token/t1');
    expect(formatResource(serviceTokenResource('t2'))).toBe('service-token/t2');
    expect(formatResource(auditLogResource())).toBe('audit/log');
  });
});

describe('parseResourceRef', () => {
  it('reads canonical strings back', () => {
    expect(parseResourceRef('proj/p:env/production:flag/f')).toEqual([
      { type: 'proj', key: 'p' },
      { type: 'env', key: 'production' },
      { type: 'flag', key: 'f' },
    ]);
    expect(parseResourceRef('service-token/abc-123')).toEqual([{ type: 'service-token', key: 'abc-123' }]);
  });

  it.each(['proj/*', 'proj/p:flag/f', 'proj', 'nope/x', ''])('rejects %j', (text) => {
    expect(() => parseResourceRef(text)).toThrow(DomainError);
  });
});
