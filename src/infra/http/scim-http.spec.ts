import { isScimUrl, scimError, scimRequestLabels } from './scim-http';
import type { ErrorCode } from '../../core/error-catalogue';
import type { Problem } from './problem';

// problem.ts needs @nestjs/common (ES modules, which jest cannot load): problems written out.
const problem = (code: ErrorCode, detail: string, status = 400): Problem => ({
  type: 'x',
  title: 't',
  status,
  detail,
  code,
});

describe('the SCIM edge', () => {
  it('knows SCIM URLs', () => {
    expect(['/scim/v2', '/scim/v2/Users?filter=x', '/scim/v2?x'].map(isScimUrl)).toEqual([true, true, true]);
    expect(['/scim/v20', '/api/v1/scim/v2', undefined].map(isScimUrl)).toEqual([false, false, false]);
  });

  it("renders a catalogue problem as RFC 7644's error message, scimType from the code", () => {
    expect(scimError(problem('scim/invalid_filter', 'bad'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'bad',
      code: 'scim/invalid_filter',
    });
    expect(scimError(problem('member/already_exists', 'dup', 409)).scimType).toBe('uniqueness');
    expect(scimError(problem('auth/unauthenticated', 'who', 401))).not.toHaveProperty('scimType');
  });

  it('labels requests by resource, operation and outcome', () => {
    expect(scimRequestLabels('GET', '/scim/v2/Users', 200)).toEqual({
      resource: 'User',
      operation: 'list',
      outcome: 'ok',
    });
    expect(scimRequestLabels('GET', '/scim/v2/Groups/:id', 404)).toEqual({
      resource: 'Group',
      operation: 'get',
      outcome: 'not_found',
    });
    expect(scimRequestLabels('PATCH', '/scim/v2/Users/:id', 401).outcome).toBe('denied');
    expect(scimRequestLabels('POST', '/scim/v2/Users', 409)).toEqual({
      resource: 'User',
      operation: 'create',
      outcome: 'conflict',
    });
    expect(scimRequestLabels('GET', '/scim/v2/Schemas', 200)).toEqual({
      resource: 'discovery',
      operation: 'get',
      outcome: 'ok',
    });
    expect(scimRequestLabels('GET', undefined, 404).resource).toBe('unknown');
  });
});
