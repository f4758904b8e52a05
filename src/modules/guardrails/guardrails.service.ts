import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import { parseGuardrailPolicy, type GuardrailPolicy } from '../../core/guardrail';
import { environmentResource, flagResource, formatResource, projectResource, scopedToVisible } from '../../core/policy';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { ProjectsService } from '../projects/projects.service';
import { approvalSettingsOf, enforceApprovalGate } from '../write-path/approval-gate';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import type { PutGuardrailPolicyDto } from './dto/guardrails.dto';
import { GuardrailsRepository, type GuardrailPolicyRecord } from './guardrails.repository';
import { guardrailPolicyView, type GuardrailPolicyView } from './models/guardrail-policy.view';

export const guardrailPolicyPath = (projectKey: string, key: string) =>
  `/api/v1/projects/${projectKey}/guardrail-policies/${key}`;

/**
 * Managing guardrail policies, governed like approval settings: `manageGuardrails` on every
 * environment a policy covers (before and after the change; the built-in writer lacks it), and in
 * an environment that requires approval, break-glass (`bypassRequiredApproval` + a reason), since
 * loosening a guardrail weakens that environment's protection. Every change is audited.
 */
@Injectable()
export class GuardrailsService {
  constructor(
    private readonly repo: GuardrailsRepository,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  async list(actor: Actor, projectKey: string): Promise<{ items: GuardrailPolicyView[] }> {
    const project = await this.projects.require(actor, projectKey);
    const visible = this.projects.visibleEnvironmentKeys(actor, project);
    const items = (await this.repo.list(project.id)).map((p) => scopedToVisible(guardrailPolicyView(p), visible));
    return { items: items.filter((p) => p !== undefined) };
  }

  async get(actor: Actor, projectKey: string, key: string): Promise<GuardrailPolicyView> {
    const project = await this.projects.require(actor, projectKey);
    const found = (await this.repo.list(project.id)).find((p) => p.key === key);
    const view =
      found && scopedToVisible(guardrailPolicyView(found), this.projects.visibleEnvironmentKeys(actor, project));
    if (!view) throw notFound('guardrail', key);
    return view;
  }

  /** Creates the policy or replaces it whole (PUT semantics). */
  async put(
    actor: Actor,
    projectKey: string,
    key: string,
    dto: PutGuardrailPolicyDto,
    bypassHeader?: BreakGlass,
  ): Promise<GuardrailPolicyView> {
    const project = await this.projects.require(actor, projectKey);
    const policy = parseGuardrailPolicy(key, dto);
    this.assertEnvironmentsExist(project, policy);
    const bypass = breakGlassOf(dto.bypass, bypassHeader);
    return this.repo.transaction(async (tx) => {
      const existing = await this.repo.findForUpdate(tx, project.id, key);
      const bypasses = this.govern(actor, project, key, [existing, policy], bypass);
      const saved = existing
        ? await this.repo.replace(tx, existing.id, policy, existing.version + 1)
        : await this.repo.create(tx, project.id, policy).catch(rethrowDuplicate('guardrail', key));
      await this.record(tx, actor, project, existing ? 'updateGuardrailPolicy' : 'createGuardrailPolicy', {
        before: existing,
        after: saved,
        bypasses,
      });
      return guardrailPolicyView(saved);
    });
  }

  async remove(actor: Actor, projectKey: string, key: string, bypassHeader?: BreakGlass): Promise<void> {
    const project = await this.projects.require(actor, projectKey);
    await this.repo.transaction(async (tx) => {
      const existing = await this.repo.findForUpdate(tx, project.id, key);
      if (!existing) throw notFound('guardrail', key);
      const bypasses = this.govern(actor, project, key, [existing], breakGlassOf(undefined, bypassHeader));
      await this.repo.remove(tx, existing.id);
      await this.record(tx, actor, project, 'deleteGuardrailPolicy', { before: existing, after: null, bypasses });
    });
  }

  private assertEnvironmentsExist(project: ProjectContext, policy: GuardrailPolicy) {
    const known = new Set(project.environments.map((e) => e.key));
    const unknown = (policy.environmentKeys ?? []).filter((k) => !known.has(k));
    if (unknown.length)
      throw new DomainError(
        'guardrail/invalid',
        `environmentKeys: project '${project.key}' has no environment ${unknown.map((k) => `'${k}'`).join(', ')}`,
        unknown.map((k) => ({ field: 'environmentKeys', reason: `no environment '${k}'` })),
      );
  }

  /**
   * `manageGuardrails` on each environment the policy covers before or after (a whole-project
   * policy also covers environments created later: checked on `env/*` too, like project approval
   * defaults), then the approval gate of those environments.
   */
  private govern(
    actor: Actor,
    project: ProjectContext,
    key: string,
    versions: (Pick<GuardrailPolicy, 'environmentKeys'> | null)[],
    bypass: BreakGlass | undefined,
  ) {
    const covered = new Map<string, EnvironmentContext>();
    let wholeProject = false;
    for (const v of versions) {
      if (!v) continue;
      if (v.environmentKeys === null) wholeProject = true;
      for (const env of project.environments)
        if (v.environmentKeys === null || v.environmentKeys.includes(env.key)) covered.set(env.key, env);
    }
    if (wholeProject)
      this.authz.assert(
        actor,
        'manageGuardrails',
        environmentResource(project, { key: '*', critical: true, tags: [] }),
      );
    for (const env of covered.values()) this.authz.assert(actor, 'manageGuardrails', environmentResource(project, env));
    // bypassRequiredApproval is a flag/segment action: it is checked on the environment's flags.
    return enforceApprovalGate(
      this.authz,
      this.metrics,
      actor,
      'guardrail',
      [...covered.values()].map((env) => ({
        environmentKey: env.key,
        resource: flagResource(project, env, { key: '*', tags: [] }),
        reasons: approvalSettingsOf(project, env).required
          ? [`guardrail policies covering environment '${env.key}' are governed by its approval settings`]
          : [],
      })),
      null, // no change-request kind carries guardrail policies yet: break-glass only
      undefined,
      bypass,
    );
  }

  private async record(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    action: string,
    r: {
      before: GuardrailPolicyRecord | null;
      after: GuardrailPolicyRecord | null;
      bypasses: ReturnType<typeof enforceApprovalGate>;
    },
  ) {
    const key = (r.after ?? r.before)!.key;
    await this.audit.record(tx, actor, {
      action,
      resource: formatResource(projectResource(project)),
      before: r.before ? guardrailPolicyView(r.before) : null,
      after: r.after ? guardrailPolicyView(r.after) : null,
      previousVersion: r.before?.version ?? null,
      currentVersion: r.after?.version ?? null,
      links: { guardrailPolicy: key, ...(r.bypasses.length ? { approvalBypassed: r.bypasses } : {}) },
    });
  }
}
