import { thrown } from '../../../test/support/fixtures/patch';
import { parseDeploymentSignal } from './deployment-signal';

const base = { service: 'checkout-api', version: '1.42.0' };
const codeOf = (input: Parameters<typeof parseDeploymentSignal>[0]) => thrown(() => parseDeploymentSignal(input)).code;

describe('parseDeploymentSignal', () => {
  it('keeps a valid signal, commit hashes lower-cased, absent optionals as null', () => {
    expect(parseDeploymentSignal(base)).toEqual({ ...base, commitSha: null, url: null });
    expect(
      parseDeploymentSignal({
        service: 'web_2.x',
        version: 'v2.0.0-rc.1+build.7',
        commitSha: 'ABCDEF1',
        url: 'https://ci.example.com/runs/7',
      }),
    ).toEqual({
      service: 'web_2.x',
      version: 'v2.0.0-rc.1+build.7',
      commitSha: 'abcdef1',
      url: 'https://ci.example.com/runs/7',
    });
    expect(parseDeploymentSignal({ ...base, commitSha: 'a'.repeat(40) }).commitSha).toBe('a'.repeat(40));
  });

  it('names the bad field by its own code', () => {
    for (const service of ['', ' api', 'api/v2', 'a'.repeat(65), 'svc:x', '_x'])
      expect([service, codeOf({ ...base, service })]).toEqual([service, 'deployment/invalid_service']);
    for (const version of ['', 'v1 2', '1'.repeat(129), 'v1/2', '"1"', '.1'])
      expect([version, codeOf({ ...base, version })]).toEqual([version, 'deployment/invalid_version']);
    for (const commitSha of ['abc12', 'g'.repeat(7), 'a'.repeat(41), '', 'abc 1234'])
      expect([commitSha, codeOf({ ...base, commitSha })]).toEqual([commitSha, 'deployment/invalid_commit_sha']);
    for (const url of [
      'ftp://x.example.com',
      'javascript:alert(1)',
      'example.com/run',
      '',
      `https://x.example.com/${'a'.repeat(2048)}`,
    ])
      expect([url.slice(0, 30), codeOf({ ...base, url })]).toEqual([url.slice(0, 30), 'deployment/invalid_url']);
  });
});
