import { DomainError } from '../errors';
import { compilePolicy } from './compile-policy';
import { flagResource, memberResource, projectResource, segmentResource } from './resource-builders';
import type { PolicyStatement } from './statement';

const prodFlag = flagResource('p', { key: 'production', critical: true }, 'f');
const stagingFlag = flagResource('p', { key: 'staging', critical: false }, 'f');
const allow = (actions: string[], resources: string[]): PolicyStatement => ({ effect: 'allow', actions, resources });
const deny = (actions: string[], resources: string[]): PolicyStatement => ({ effect: 'deny', actions, resources });

describe('compilePolicy: allow, deny, nothing', () => {
  it('denies when no statement matches, naming no statement', () => {
    const policy = compilePolicy([{ source: 'role:none', statements: [] }]);
    expect(policy.can('updateOn', prodFlag)).toBe(false);
    expect(policy.explain('updateOn', prodFlag)).toEqual({
      allowed: false,
      action: 'updateOn',
      resource: 'proj/p:env/production:flag/f',
      decidedBy: null,
      reason: 'denied: no statement allows updateOn on proj/p:env/production:flag/f',
    });
  });

  it('allows what a statement allows and explains which one', () => {
    const statement = allow(['updateOn'], ['proj/*:env/*:flag/*']);
    const policy = compilePolicy([
      { source: 'customRole:qa', statements: [allow(['viewProject'], ['proj/*']), statement] },
    ]);
    expect(policy.can('updateOn', prodFlag)).toBe(true);
    expect(policy.can('updateRules', prodFlag)).toBe(false);
    expect(policy.explain('updateOn', prodFlag)).toEqual({
      allowed: true,
      action: 'updateOn',
      resource: 'proj/p:env/production:flag/f',
      decidedBy: { source: 'customRole:qa', statementIndex: 1, statement, effect: 'allow' },
      reason: 'allowed: statement 1 of customRole:qa allows updateOn on proj/p:env/production:flag/f',
    });
  });

  it('reports the first declared allow when several match', () => {
    const policy = compilePolicy([
      { source: 'role:writer', statements: [allow(['*'], ['proj/*:env/*:flag/*'])] },
      { source: 'customRole:qa', statements: [allow(['updateOn'], ['proj/p:env/*:flag/*'])] },
    ]);
    expect(policy.explain('updateOn', prodFlag).decidedBy).toMatchObject({ source: 'role:writer', statementIndex: 0 });
  });

  it('lets a deny in one source win over an allow in another, whatever the order', () => {
    const denyProd = deny(['updateOn'], ['proj/*:env/production:flag/*']);
    const allowAll = allow(['*'], ['proj/*:env/*:flag/*']);
    for (const sources of [
      [
        { source: 'customRole:no-prod', statements: [denyProd] },
        { source: 'role:admin', statements: [allowAll] },
      ],
      [
        { source: 'role:admin', statements: [allowAll] },
        { source: 'customRole:no-prod', statements: [denyProd] },
      ],
    ]) {
      const policy = compilePolicy(sources);
      expect(policy.can('updateOn', prodFlag)).toBe(false);
      expect(policy.can('updateOn', stagingFlag)).toBe(true);
      expect(policy.can('updateRules', prodFlag)).toBe(true);
      expect(policy.explain('updateOn', prodFlag)).toEqual({
        allowed: false,
        action: 'updateOn',
        resource: 'proj/p:env/production:flag/f',
        decidedBy: { source: 'customRole:no-prod', statementIndex: 0, statement: denyProd, effect: 'deny' },
        reason: 'denied: statement 0 of customRole:no-prod denies updateOn on proj/p:env/production:flag/f',
      });
    }
  });

  it('denies on critical environments with {critical:true}', () => {
    const policy = compilePolicy([
      {
        source: 'customRole:careful',
        statements: [
          allow(['*'], ['proj/*:env/*:flag/*']),
          deny(['updateOn'], ['proj/*:env/*;{critical:true}:flag/*']),
        ],
      },
    ]);
    expect(policy.can('updateOn', prodFlag)).toBe(false);
    expect(policy.can('updateOn', stagingFlag)).toBe(true);
    expect(policy.explain('updateOn', prodFlag).decidedBy?.statementIndex).toBe(1);
  });
});

describe('compilePolicy: action forms', () => {
  it('`*` allows every action on the matching resources', () => {
    const policy = compilePolicy([{ source: 's', statements: [allow(['*'], ['proj/*:env/*:flag/*'])] }]);
    expect(policy.can('updateOn', prodFlag)).toBe(true);
    expect(policy.can('bypassRequiredApproval', prodFlag)).toBe(true);
    expect(policy.can('viewProject', projectResource('p'))).toBe(false);
  });

  it('globs like update* expand to catalogued actions', () => {
    const policy = compilePolicy([{ source: 's', statements: [allow(['update*'], ['proj/*:env/*:flag/*'])] }]);
    expect(policy.can('updateOn', prodFlag)).toBe(true);
    expect(policy.can('updateFallthrough', prodFlag)).toBe(true);
    expect(policy.can('deleteFlag', prodFlag)).toBe(false);
  });

  it('notActions allows every other catalogued action', () => {
    const policy = compilePolicy([
      {
        source: 's',
        statements: [{ effect: 'allow', notActions: ['deleteFlag', 'bypass*'], resources: ['proj/*:env/*:flag/*'] }],
      },
    ]);
    expect(policy.can('updateOn', prodFlag)).toBe(true);
    expect(policy.can('archiveFlag', prodFlag)).toBe(true);
    expect(policy.can('deleteFlag', prodFlag)).toBe(false);
    expect(policy.can('bypassRequiredApproval', prodFlag)).toBe(false);
  });

  it('denies unknown actions and actions checked on the wrong resource type', () => {
    const policy = compilePolicy([{ source: 's', statements: [allow(['*'], ['proj/*'])] }]);
    expect(policy.can('launchRocket', projectResource('p'))).toBe(false);
    expect(policy.explain('launchRocket', projectResource('p')).reason).toBe("denied: unknown action 'launchRocket'");
    expect(policy.can('updateOn', projectResource('p'))).toBe(false);
    expect(policy.explain('updateOn', projectResource('p')).reason).toBe(
      'denied: updateOn applies to flag resources, not proj',
    );
    expect(policy.explain('updateRules', projectResource('p')).reason).toBe(
      'denied: updateRules applies to flag or segment resources, not proj',
    );
  });

  it('ignores stored entries naming actions missing from the catalogue', () => {
    const policy = compilePolicy([
      { source: 's', statements: [allow(['retiredAction', 'updateOn'], ['proj/*:env/*:flag/*'])] },
    ]);
    expect(policy.can('updateOn', prodFlag)).toBe(true);
  });
});

describe('compilePolicy: notResources', () => {
  it('allow with notResources covers everything except the listed resources', () => {
    const policy = compilePolicy([
      {
        source: 's',
        statements: [{ effect: 'allow', actions: ['*'], notResources: ['proj/*:env/production:flag/*'] }],
      },
    ]);
    expect(policy.can('updateOn', prodFlag)).toBe(false);
    expect(policy.can('updateOn', stagingFlag)).toBe(true);
    expect(policy.can('manageMembers', memberResource('m1'))).toBe(true);
    expect(policy.can('updateIncluded', segmentResource('p', { key: 'production', critical: true }, 's'))).toBe(true);
  });

  it('deny with notResources forbids everything except the listed resources', () => {
    const policy = compilePolicy([
      { source: 'role:admin', statements: [allow(['*'], ['proj/*:env/*:flag/*'])] },
      {
        source: 'customRole:only-p2',
        statements: [{ effect: 'deny', actions: ['*'], notResources: ['proj/p2:env/*:flag/*'] }],
      },
    ]);
    expect(policy.can('updateOn', prodFlag)).toBe(false);
    expect(policy.can('updateOn', flagResource('p2', { key: 'production', critical: true }, 'f'))).toBe(true);
    expect(policy.explain('updateOn', prodFlag).decidedBy).toMatchObject({
      source: 'customRole:only-p2',
      effect: 'deny',
    });
  });
});

describe('compilePolicy: malformed stored statements', () => {
  it('throws on an unparsable specifier instead of skipping it', () => {
    expect(() => compilePolicy([{ source: 'customRole:bad', statements: [deny(['*'], ['proj/*:flag/*'])] }])).toThrow(
      DomainError,
    );
  });

  it('throws when a statement has neither resources nor notResources', () => {
    const broken = { effect: 'allow', actions: ['*'] } as PolicyStatement;
    expect(() => compilePolicy([{ source: 'customRole:bad', statements: [broken] }])).toThrow(
      'statement 0 of customRole:bad is invalid: needs exactly one of actions/notActions and of resources/notResources',
    );
  });
});
