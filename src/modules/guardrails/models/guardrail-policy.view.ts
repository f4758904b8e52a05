import type { GuardrailRule } from '../../../core/guardrail';
import type { GuardrailPolicyRecord } from '../guardrails.repository';

/** A policy as REST and GraphQL show it; `environmentKeys: null` means every environment of the project. */
export interface GuardrailPolicyView {
  key: string;
  name: string;
  description: string;
  environmentKeys: string[] | null;
  rules: GuardrailRule[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const guardrailPolicyView = (r: GuardrailPolicyRecord): GuardrailPolicyView => ({
  key: r.key,
  name: r.name,
  description: r.description,
  environmentKeys: r.environmentKeys,
  rules: r.rules,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
