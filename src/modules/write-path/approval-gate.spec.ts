import { DomainError } from '../../core/errors';
import { BUILTIN_ROLES, compilePolicy, flagResource } from '../../core/policy';
import { Counter } from 'prom-client';
import type { Actor } from '../accounts/models/actor';
import { enforceApprovalGate, type GatedChange } from './approval-gate';
import { mintPreApproval } from './pre-approval';

const actor = (role: 'writer' | 'admin'): Actor => ({
  kind: 'member',
  id: role,
  name: role,
  memberId: role,
  policy: compilePolicy([{ source: role, statements: BUILTIN_ROLES[role] }]),
});
const project = { key: 'shop', tags: [] };
const change = (envKey: string, reasons: string[]): GatedChange => ({
  environmentKey: envKey,
  resource: flagResource(project, { key: envKey, critical: envKey === 'production', tags: [] }, 'checkout'),
  reasons,
});
const path = (envKey: string) => `/api/v1/projects/shop/flags/checkout/environments/${envKey}/change-requests`;

// What the gate uses of AuthorizationService and MetricsService (their modules load Nest, which unit specs do not).
const authz = { can: (a: Actor, action: string, resource: GatedChange['resource']) => a.policy.can(action, resource) };
const newMetrics = () => ({
  approvalGate: new Counter({ name: 'gate', help: 'gate', labelNames: ['kind', 'outcome'] as const, registers: [] }),
});

describe('enforceApprovalGate', () => {
  let metrics: ReturnType<typeof newMetrics>;
  const gateCount = async (outcome: 'required' | 'bypassed' | 'reason_required') =>
    (await metrics.approvalGate.get()).values.find((v) => v.labels.outcome === outcome && v.labels.kind === 'flag')
      ?.value ?? 0;

  beforeEach(() => (metrics = newMetrics()));

  it('refuses a change that needs approval with approval/required, its reasons and where to ask, and counts it', async () => {
    const reasons = ['turning the flag on', 'serving another variation'];
    let refusal: unknown;
    try {
      enforceApprovalGate(authz, metrics, actor('writer'), 'flag', [change('production', reasons)], path);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    const err = refusal as DomainError;
    expect(err).toMatchObject({ code: 'approval/required', status: 403 });
    expect(err.message).toContain(`POST ${path('production')}`);
    expect(err.errors).toEqual(reasons.map((reason) => ({ field: 'environments.production', reason })));
    expect(await gateCount('required')).toBe(1);
    expect(await gateCount('bypassed')).toBe(0);
  });

  it('lets an actor allowed to bypass through only with a reason (break-glass), returning it for the audit entry', async () => {
    const changes = [change('staging', []), change('production', ['turning the flag on'])];
    expect(() => enforceApprovalGate(authz, metrics, actor('admin'), 'flag', changes, path)).toThrow(
      expect.objectContaining({ code: 'approval/bypass_reason_required', status: 428 }),
    );
    expect(() =>
      enforceApprovalGate(authz, metrics, actor('admin'), 'flag', changes, path, undefined, { reason: '   ' }),
    ).toThrow(expect.objectContaining({ code: 'approval/bypass_reason_required' }));
    expect(await gateCount('reason_required')).toBe(2);
    expect(await gateCount('bypassed')).toBe(0);

    const bypasses = enforceApprovalGate(authz, metrics, actor('admin'), 'flag', changes, path, undefined, {
      reason: ' incident 4711 ',
    });
    expect(bypasses).toEqual([
      { environment: 'production', reasons: ['turning the flag on'], bypassReason: 'incident 4711' },
    ]);
    expect(await gateCount('bypassed')).toBe(1);
    expect(await gateCount('required')).toBe(0);
  });

  it('refuses a reason from an actor who may not bypass: approval/required, not break-glass', () => {
    expect(() =>
      enforceApprovalGate(authz, metrics, actor('writer'), 'flag', [change('production', ['on'])], path, undefined, {
        reason: 'urgent',
      }),
    ).toThrow(expect.objectContaining({ code: 'approval/required' }));
  });

  it('does not gate changes without reasons', async () => {
    expect(enforceApprovalGate(authz, metrics, actor('writer'), 'flag', [change('production', [])], path)).toEqual([]);
    expect(await gateCount('required')).toBe(0);
  });

  it('skips the environment a pre-approval names, and only that one', async () => {
    const preApproved = mintPreApproval({ environmentKey: 'production', links: { changeRequest: { id: 'cr-1' } } });
    const writer = actor('writer');
    expect(
      enforceApprovalGate(authz, metrics, writer, 'flag', [change('production', ['on'])], path, preApproved),
    ).toEqual([]);
    expect(await gateCount('required')).toBe(0);

    const reaching = [change('production', ['on']), change('eu-production', ['variations changed'])];
    expect(() => enforceApprovalGate(authz, metrics, writer, 'flag', reaching, path, preApproved)).toThrow(
      expect.objectContaining({
        code: 'approval/required',
        errors: [expect.objectContaining({ field: 'environments.eu-production' })],
      }),
    );
    expect(await gateCount('required')).toBe(1);
  });

  it('gates every environment when the pre-approval names none', () => {
    const preApproved = mintPreApproval({ links: { release: { id: 'r-1' } } });
    expect(() =>
      enforceApprovalGate(authz, metrics, actor('writer'), 'flag', [change('production', ['on'])], path, preApproved),
    ).toThrow(expect.objectContaining({ code: 'approval/required' }));
  });
});
