import { BUILTIN_ROLES } from './builtin-roles';
import { compilePolicy } from './compile-policy';
import type { PolicyStatement } from './statement';
import { canViewEnvironment, scopedToVisible } from './visibility';

const prod = { key: 'prod', critical: true };
const dev = { key: 'dev', critical: false };
const policy = (statements: PolicyStatement[]) => compilePolicy([{ source: 'test', statements }]);

describe('canViewEnvironment', () => {
  it('readers see every environment', () => {
    const reader = compilePolicy([{ source: 'role:reader', statements: BUILTIN_ROLES.reader }]);
    expect(canViewEnvironment(reader, 'a', prod)).toBe(true);
  });

  it('a policy on one environment sees that one only, and nothing of other projects', () => {
    const p = policy([
      { effect: 'allow', actions: ['*'], resources: ['proj/a', 'proj/a:env/dev', 'proj/a:env/dev:flag/*'] },
    ]);
    expect(canViewEnvironment(p, 'a', dev)).toBe(true);
    expect(canViewEnvironment(p, 'a', prod)).toBe(false);
    expect(canViewEnvironment(p, 'b', dev)).toBe(false);
  });

  it('who may change every flag of an environment sees it (never narrower than write access)', () => {
    const p = policy([
      { effect: 'allow', actions: ['viewProject'], resources: ['proj/*'] },
      { effect: 'allow', actions: ['updateOn'], resources: ['proj/*:env/dev:flag/*'] },
    ]);
    expect(canViewEnvironment(p, 'a', dev)).toBe(true);
    expect(canViewEnvironment(p, 'a', prod)).toBe(false);
  });

  it('needs viewProject, and a deny on viewEnvironment wins over an allow', () => {
    expect(
      canViewEnvironment(policy([{ effect: 'allow', actions: ['*'], resources: ['proj/a:env/*'] }]), 'a', dev),
    ).toBe(false);
    const denied = policy([
      { effect: 'allow', actions: ['viewProject', 'viewEnvironment'], resources: ['proj/*', 'proj/*:env/*'] },
      { effect: 'deny', actions: ['viewEnvironment'], resources: ['proj/*:env/*;{critical:true}'] },
    ]);
    expect(canViewEnvironment(denied, 'a', dev)).toBe(true);
    expect(canViewEnvironment(denied, 'a', prod)).toBe(false);
  });
});

describe('scopedToVisible', () => {
  const visible = new Set(['dev', 'staging']);

  it('keeps an item about every environment as it is', () => {
    expect(scopedToVisible({ id: 'f', environmentKeys: null }, visible)).toEqual({ id: 'f', environmentKeys: null });
  });

  it('leaves out the environments the caller cannot see', () => {
    expect(scopedToVisible({ id: 'f', environmentKeys: ['prod', 'dev'] }, visible)).toEqual({
      id: 'f',
      environmentKeys: ['dev'],
    });
  });

  it('hides an item that covers only hidden environments', () => {
    expect(scopedToVisible({ id: 'f', environmentKeys: ['prod'] }, visible)).toBeUndefined();
  });
});
