/**
 * What the guardrail e2e specs (guardrails.spec.ts, guardrail-writes.spec.ts) share: one API node
 * with its owner and a writer, and their calls: a policy PUT and a flag PATCH as answered (the
 * specs assert refusals too), for any member's client.
 */
import { startGantry, type ApiClient, type Gantry } from './app-harness';
import { factory, ok, type Project, type Schemas } from './factories';
import { memberWithToken } from './governance';

export type PolicyBody = Schemas['PutGuardrailPolicyDto'];
export type Rule = PolicyBody['rules'][number];

export const putPolicy = (api: ApiClient, projectKey: string, key: string, body: PolicyBody, headers = {}) =>
  api.PUT('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
    params: { path: { projectKey, key } },
    headers,
    body,
  });

export const patchFlag = (
  api: ApiClient,
  projectKey: string,
  flagKey: string,
  body: Schemas['PatchFlagDto'],
  headers = {},
) =>
  api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
    params: { path: { projectKey, flagKey } },
    headers,
    body,
  });

/** The node a guardrail spec runs against: started before its tests (its fields are set then), stopped after. */
export interface GuardrailNode {
  g: Gantry;
  owner: ApiClient;
  writer: Awaited<ReturnType<typeof memberWithToken>>;
  /** A project with staging and production. */
  newProject(): Promise<Project>;
  /** Puts a policy as the owner; fails the test if refused. */
  policy(
    projectKey: string,
    key: string,
    rules: Rule[],
    environmentKeys?: string[],
  ): Promise<Schemas['GuardrailPolicyDto']>;
}

export function guardrailNode(): GuardrailNode {
  const node = {
    newProject: () => factory.project(node.owner, { environments: ['staging', 'production'] }),
    policy: async (projectKey: string, key: string, rules: Rule[], environmentKeys?: string[]) =>
      ok(
        await putPolicy(node.owner, projectKey, key, {
          name: key,
          rules,
          ...(environmentKeys ? { environmentKeys } : {}),
        }),
      ),
  } as GuardrailNode;
  beforeAll(async () => {
    node.g = await startGantry({ role: 'api' });
    node.owner = node.g.client(node.g.ownerToken);
    node.writer = await memberWithToken(node.g, node.owner, 'writer');
  });
  afterAll(() => node.g?.stop());
  return node;
}
