import { Counter } from 'prom-client';
import { BUILTIN_ROLES, compilePolicy, flagResource } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import {
  automationCreator,
  checkAutomation,
  openAutomationBypasses,
  withBypassNotices,
  type AutomationBypasses,
  type AutomationTarget,
} from './automation-bypass';
import type { AppliedBypass, BypassLedger, BypassNotice } from './bypass-ledger';

const actor = (role: 'writer' | 'admin'): Actor => ({
  kind: 'member',
  id: role,
  name: role,
  memberId: role,
  policy: compilePolicy([{ source: role, statements: BUILTIN_ROLES[role] }]),
});

const project = { id: 'p1', key: 'shop', tags: [], approvalDefaults: null } as unknown as ProjectContext;
const env = (key: string, critical: boolean) =>
  ({ id: `e-${key}`, key, critical, tags: [], approvalSettings: null }) as unknown as EnvironmentContext;
const target = (e: EnvironmentContext, reasons: string[]): AutomationTarget => ({
  project,
  env: e,
  flagKey: 'checkout',
  resource: flagResource(project, e, 'checkout'),
  reasons,
  instructions: [{ kind: 'turnFlagOn' }],
  version: 7,
});

/** A ledger that remembers what it was asked to open (announcing is after commit, not this logic). */
class FakeLedger implements BypassLedger {
  opened: AppliedBypass[] = [];
  open(_tx: Tx, _actor: Actor, b: AppliedBypass): Promise<BypassNotice> {
    this.opened.push(b);
    return Promise.resolve({
      environment: b.environment.key,
      reason: b.bypassReason,
      reviewId: `r${this.opened.length}`,
    });
  }
  announce(): void {}
}

describe('the approval gate of creating automation', () => {
  let ledger: FakeLedger;
  const tx = {} as Tx;
  // What the gate uses of AuthorizationService and MetricsService, as approval-gate.spec.ts fakes them.
  const authz = { can: (a: Actor, action: string, r: AutomationTarget['resource']) => a.policy.can(action, r) };
  const metrics = {
    approvalGate: new Counter({ name: 'gate', help: 'gate', labelNames: ['kind', 'outcome'] as const, registers: [] }),
  };
  const check = (a: Actor, targets: AutomationTarget[], reason?: string) =>
    checkAutomation(authz, metrics, a, targets, null, reason === undefined ? undefined : { reason });
  const open = (a: Actor, gated: AutomationBypasses) => openAutomationBypasses(ledger, tx, a, gated);

  beforeEach(() => (ledger = new FakeLedger()));

  it('refuses like a direct write: 403 for a writer, 428 for an admin without a reason', () => {
    const prod = [target(env('production', true), ['turning the flag on'])];
    expect(() => check(actor('writer'), prod, 'please')).toThrow(
      expect.objectContaining({ code: 'approval/required', status: 403 }),
    );
    expect(() => check(actor('admin'), prod)).toThrow(
      expect.objectContaining({ code: 'approval/bypass_reason_required', status: 428 }),
    );
  });

  it('lets ungated targets through with nothing to open, and the creator without a bypass', async () => {
    const gated = check(actor('writer'), [target(env('staging', false), [])]);
    expect(gated.bypassed).toEqual([]);
    expect(automationCreator(actor('writer'), gated)).toMatchObject({ id: 'writer', bypass: false });
    expect(automationCreator(actor('writer'), gated)).not.toHaveProperty('bypassReason');
    const opened = await open(actor('writer'), gated);
    expect(opened).toEqual({ notices: [], links: {} });
    expect(withBypassNotices({ id: 's1' }, opened)).toEqual({ id: 's1' });
  });

  it('opens one review per bypassed environment of what will be applied, nothing applied yet', async () => {
    const admin = actor('admin');
    const targets = [
      target(env('staging', false), []),
      target(env('production', true), ['turning the flag on']),
      target(env('eu', true), ['turning the flag on']),
    ];
    const gated = check(admin, targets, 'INC-42');
    expect(automationCreator(admin, gated)).toMatchObject({ id: 'admin', bypass: true, bypassReason: 'INC-42' });

    const opened = await open(admin, gated);
    expect(ledger.opened.map((b) => b.environment.key)).toEqual(['production', 'eu']);
    expect(ledger.opened[0]).toMatchObject({
      kind: 'flag',
      resourceKey: 'checkout',
      instructions: [{ kind: 'turnFlagOn' }],
      previousVersion: 7,
      appliedVersion: 7,
      bypassReason: 'INC-42',
    });
    expect(opened.links).toEqual({
      approvalBypassed: [
        {
          environment: 'production',
          reasons: ['turning the flag on'],
          bypassReason: 'INC-42',
          retroactiveReview: 'r1',
        },
        { environment: 'eu', reasons: ['turning the flag on'], bypassReason: 'INC-42', retroactiveReview: 'r2' },
      ],
    });
    expect(withBypassNotices({ id: 's1' }, opened)).toEqual({ id: 's1', approvalBypassed: opened.notices });
  });
});
