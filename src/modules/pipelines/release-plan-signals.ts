import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { anyFlagResource, formatResource } from '../../core/policy';
import { deployTriggeredPhases } from '../../core/release';
import { ClockService } from '../../infra/clock/clock.service';
import { QueuesService } from '../../infra/queues/queues.service';
import type { Actor } from '../accounts/models/actor';
import { automationActor } from '../accounts/system-actor';
import { AuditService } from '../audit/audit.service';
import { DeploymentSignals, type DeploymentEffect, type RecordedDeployment } from '../deployments/deployment-signals';
import { armPipeline } from './pipeline-jobs';
import { PipelinesRepository } from './pipelines.repository';

/**
 * Deploy signals start the release plan phases waiting for a deploy of their service (README
 * "Release plans"): the pending deploy-trigger phases of the signal's service in its environment, in
 * running or paused runs of the linked flags, are marked triggered (a paused run starts them when
 * resumed); the worker's next look starts them. Audited as the signal's sender, logged.
 */
@Injectable()
export class ReleasePlanSignals implements OnModuleInit {
  private readonly logger = new Logger('release-plans');

  constructor(
    private readonly signals: DeploymentSignals,
    private readonly repo: PipelinesRepository,
    private readonly audit: AuditService,
    private readonly clock: ClockService,
    private readonly queues: QueuesService,
  ) {}

  onModuleInit(): void {
    this.signals.subscribe('release-plans', (d) => this.onDeployment(d));
  }

  async onDeployment(d: RecordedDeployment): Promise<DeploymentEffect[]> {
    if (!d.flagKeys.length) return [];
    const effects: DeploymentEffect[] = [];
    for (const candidate of await this.repo.activeRuns(d.projectId, d.flagKeys)) {
      if (!deployTriggeredPhases(candidate.phases, candidate.audiences, d).length) continue;
      const run = await this.repo.transaction(async (tx) => {
        const locked = await this.repo.lockRunWait(tx, candidate.id);
        const active = locked && ['running', 'paused'].includes(locked.status);
        const hit = active ? deployTriggeredPhases(locked.phases, locked.audiences, d) : [];
        if (!locked || !hit.length) return null;
        const now = this.clock.now();
        const at = now.toISOString();
        const by = `deploy of ${d.service} ${d.version} to ${d.environmentKey}`;
        const next = await this.repo.updateRun(tx, locked.id, {
          audiences: locked.audiences.map((s, i) => (hit.includes(i) ? { ...s, triggeredAt: at, triggeredBy: by } : s)),
          lastProgressAt: now,
          history: [
            ...locked.history,
            { at, status: locked.status, phase: locked.currentPhase, note: `${by}: phase ${hit.join(', ')} triggered` },
          ],
        });
        const sender = automationActor(`deploy signal from ${d.actor.name ?? d.actor.id}`, {
          kind: d.actor.kind as Actor['kind'],
          id: d.actor.id,
        });
        await this.audit.record(tx, sender, {
          action: 'triggerReleasePlanPhase',
          resource: formatResource(anyFlagResource(locked.projectKey, locked.flagKey)),
          comment: by,
          links: { pipelineRun: locked.id, deployment: d.id },
        });
        for (const phase of hit)
          effects.push({
            flagKey: locked.flagKey,
            kind: 'release_plan.phase_triggered',
            detail: { runId: locked.id, phase, environmentKey: d.environmentKey, runStatus: locked.status },
          });
        return next;
      });
      if (!run) continue;
      this.logger.log({
        msg: 'deploy signal triggered release plan phases',
        runId: run.id,
        flagKey: run.flagKey,
        service: d.service,
        environmentKey: d.environmentKey,
      });
      if (run.status === 'running') {
        const now = this.clock.now();
        await armPipeline(this.queues, [run.id], now, now).catch((e: Error) =>
          this.logger.warn(`release plan run ${run.id} not armed now (the worker's sweep will): ${e.message}`),
        );
      }
    }
    return effects;
  }
}
