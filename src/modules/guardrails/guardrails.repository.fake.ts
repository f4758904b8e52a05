import type { GuardrailPolicy } from '../../core/guardrail';
import type { GuardrailPolicyRecord, GuardrailsRepository } from './guardrails.repository';

/** The part of GuardrailsRepository the write path reads, over policies held in memory, per project id. */
export class FakeGuardrailsRepository implements Pick<GuardrailsRepository, 'list'> {
  readonly byProject = new Map<string, GuardrailPolicyRecord[]>();

  add(projectId: string, policy: GuardrailPolicy): void {
    const at = new Date('2026-12-04T00:00:00Z');
    const list = this.byProject.get(projectId) ?? [];
    list.push({ ...policy, id: `id-${policy.key}`, version: 1, createdAt: at, updatedAt: at });
    this.byProject.set(projectId, list);
  }

  list(projectId: string): Promise<GuardrailPolicyRecord[]> {
    return Promise.resolve(structuredClone(this.byProject.get(projectId) ?? []));
  }
}
