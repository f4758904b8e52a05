/**
 * Factories that build test data through the public API with the typed client (conventions §11:
 * factories, not fixtures). Each returns the created resource as the API answered it and fails the
 * test with the problem document if the API refused.
 *
 *   const project = await factory.project(api, { environments: ['staging', 'production'] });
 *   const flag = await factory.flag(api, project.key, { variations: ['red', 'green'] });
 */
import { randomBytes } from 'node:crypto';
import type { components } from '../../openapi/schema';
import type { ApiClient } from './app-harness';

export type Schemas = components['schemas'];
export type Project = Schemas['ProjectDto'];
export type Environment = Schemas['EnvironmentDto'];
export type Flag = Schemas['FlagDto'];
export type Segment = Schemas['SegmentDto'];
export type Member = Schemas['MemberDto'];
export type Role = Schemas['RoleDto'];
export type CreatedToken = Schemas['CreatedTokenDto'];
export type Problem = Schemas['ProblemDto'];
export type Instruction = Schemas['PatchFlagDto']['instructions'][number];

let sequence = 0;
/** A key no other call of this run has produced: `<prefix>-<n>-<random>`. */
export const uniqueKey = (prefix: string) => `${prefix}-${++sequence}-${randomBytes(3).toString('hex')}`;

/** The data of a successful typed-client call, or an Error that shows the status and problem. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    throw new Error(`${result.response.status} from ${result.response.url}: ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

type EnvironmentInput = string | Schemas['CreateEnvironmentDto'];

/** Options of a direct write: `bypassReason` is sent as `X-Gantry-Bypass-Reason` (break-glass). */
export interface WriteOptions {
  bypassReason?: string;
}

/** The break-glass header of a direct write, when a reason is given. */
export const bypassHeaders = (reason?: string): Record<string, string> =>
  reason !== undefined ? { 'x-gantry-bypass-reason': reason } : {};

export const factory = {
  /** A project; `environments` as keys (name = key) or full inputs; default one `production`. */
  async project(
    api: ApiClient,
    input: Partial<Omit<Schemas['CreateProjectDto'], 'environments'>> & { environments?: EnvironmentInput[] } = {},
  ): Promise<Project> {
    const key = input.key ?? uniqueKey('proj');
    const environments = (input.environments ?? ['production']).map((e) =>
      typeof e === 'string' ? { key: e, name: e } : e,
    );
    return ok(
      await api.POST('/api/v1/projects', {
        body: { ...input, key, name: input.name ?? `Project ${key}`, environments },
      }),
    );
  },

  async environment(
    api: ApiClient,
    projectKey: string,
    input: Partial<Schemas['CreateEnvironmentDto']> = {},
  ): Promise<Environment> {
    const key = input.key ?? uniqueKey('env');
    return ok(
      await api.POST('/api/v1/projects/{projectKey}/environments', {
        params: { path: { projectKey } },
        body: { ...input, key, name: input.name ?? key },
      }),
    );
  },

  /** A flag; `variations` as plain values (boolean flag when omitted). */
  async flag(
    api: ApiClient,
    projectKey: string,
    input: Partial<Omit<Schemas['CreateFlagDto'], 'variations'>> & { variations?: unknown[] } = {},
  ): Promise<Flag> {
    const key = input.key ?? uniqueKey('flag');
    const { variations: values, ...rest } = input;
    const variations = values?.map((value) => ({ value: value as Schemas['VariationInputDto']['value'] }));
    return ok(
      await api.POST('/api/v1/projects/{projectKey}/flags', {
        params: { path: { projectKey } },
        body: { ...rest, key, name: input.name ?? `Flag ${key}`, ...(variations ? { variations } : {}) },
      }),
    );
  },

  /**
   * Applies instructions through the one write path; fails the test if refused. `bypassReason` is
   * break-glass: an owner/admin writing to a gated environment must give one (else 428), and the
   * write then opens a retroactive review.
   */
  async patchFlag(
    api: ApiClient,
    projectKey: string,
    flagKey: string,
    body: Schemas['PatchFlagDto'],
    options: WriteOptions & { ifMatch?: string } = {},
  ): Promise<Flag> {
    const { ifMatch, bypassReason } = options;
    return ok(
      await api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: {
          path: { projectKey, flagKey },
          ...(ifMatch !== undefined ? { header: { 'if-match': ifMatch } } : {}),
        },
        headers: bypassHeaders(bypassReason),
        body,
      }),
    );
  },

  async segment(
    api: ApiClient,
    projectKey: string,
    envKey: string,
    input: Partial<Schemas['CreateSegmentDto']> = {},
  ): Promise<Segment> {
    const key = input.key ?? uniqueKey('seg');
    return ok(
      await api.POST('/api/v1/projects/{projectKey}/environments/{envKey}/segments', {
        params: { path: { projectKey, envKey } },
        body: { ...input, key, name: input.name ?? `Segment ${key}` },
      }),
    );
  },

  /** Applies segment instructions (the segment write path); fails the test if refused. `bypassReason` as for patchFlag. */
  async patchSegment(
    api: ApiClient,
    projectKey: string,
    envKey: string,
    segmentKey: string,
    body: Schemas['PatchSegmentDto'],
    options: WriteOptions = {},
  ): Promise<Segment> {
    return ok(
      await api.PATCH('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', {
        params: { path: { projectKey, envKey, segmentKey } },
        headers: bypassHeaders(options.bypassReason),
        body,
      }),
    );
  },

  async member(api: ApiClient, input: Partial<Schemas['CreateMemberDto']> = {}): Promise<Member> {
    const email = input.email ?? `${uniqueKey('member')}@example.com`;
    return ok(await api.POST('/api/v1/members', { body: { ...input, email, name: input.name ?? email } }));
  },

  async role(
    api: ApiClient,
    input: Partial<Schemas['CreateRoleDto']> & Pick<Schemas['CreateRoleDto'], 'policy'>,
  ): Promise<Role> {
    const key = input.key ?? uniqueKey('role');
    return ok(await api.POST('/api/v1/roles', { body: { ...input, key, name: input.name ?? key } }));
  },

  /** A project metric; by default the count metric the guarded-release tests watch. */
  async metric(
    api: ApiClient,
    projectKey: string,
    input: Partial<Schemas['CreateMetricDto']> = {},
  ): Promise<Schemas['MetricDto']> {
    const body: Schemas['CreateMetricDto'] = {
      key: 'checkout-error',
      name: 'Checkout errors',
      kind: 'count',
      direction: 'lower_is_better',
      threshold: 0.1,
      ...input,
    };
    return ok(await api.POST('/api/v1/projects/{projectKey}/metrics', { params: { path: { projectKey } }, body }));
  },

  /** An access token; the response (and only it) carries the secret in `token`. */
  async token(api: ApiClient, input: Partial<Schemas['CreateTokenDto']> = {}): Promise<CreatedToken> {
    return ok(await api.POST('/api/v1/tokens', { body: { ...input, name: input.name ?? uniqueKey('token') } }));
  },
};
