/**
 * `gantry deploy-signal`: the step a CI pipeline runs after deploying a service, so release plans
 * can start the phases waiting for that deploy. `gantry deployments list` reads them back. A repeat
 * of the same signal within 10 minutes is answered with the first deployment (exit 0, `repeated`).
 */
import type { components } from '../../../openapi/schema';
import { call } from '../api';
import { optionalInteger, optionalString, positionals, requiredString } from '../args';
import { CliUsageError } from '../cli-errors';
import type { CliArgs, CliCommand } from '../command';
import { EXIT } from '../exit-codes';

type Deployment = components['schemas']['DeploymentDto'];

const where = {
  project: { type: 'string', short: 'p' },
  env: { type: 'string', short: 'e' },
  environment: { type: 'string' },
} as const;

/** `--environment` (as the API names the field) or `--env`/`-e` (as the other commands do). */
function environmentOf(args: CliArgs): string {
  const long = optionalString(args, 'environment');
  const short = optionalString(args, 'env');
  if (long !== undefined && short !== undefined && long !== short)
    throw new CliUsageError(`--environment '${long}' and --env '${short}' disagree; give one`);
  const env = long ?? short;
  if (env === undefined) throw new CliUsageError('--environment (or --env/-e) is required');
  return env;
}

const signal: CliCommand = {
  path: ['deploy-signal'],
  summary: 'Record a deployment of a service (from CI): starts the release phases waiting for it',
  usage: [
    '--project <p> --environment <e> --service <name> --version <v> [--commit <sha>] [--deploy-url <link>]',
    "(--deploy-url is the body's `url`, a link to the CI run or release notes: --url is the Gantry to call.)",
    'Example: gantry deploy-signal -p shop --environment production --service checkout-api \\',
    '           --version "$GITHUB_REF_NAME" --commit "$GITHUB_SHA" --deploy-url "$RUN_URL" --json',
    'Exit codes: 0 recorded (or a repeat within 10 minutes, answered with the first deployment), 1 refused or failed.',
  ].join('\n'),
  options: {
    ...where,
    service: { type: 'string' },
    version: { type: 'string' },
    commit: { type: 'string' },
    'deploy-url': { type: 'string' },
  },
  async run(ctx, args) {
    positionals(args);
    const projectKey = requiredString(args, 'project');
    const commitSha = optionalString(args, 'commit');
    const url = optionalString(args, 'deploy-url');
    const recorded = await call(
      ctx.api.POST('/api/v1/projects/{projectKey}/deployments', {
        params: { path: { projectKey } },
        body: {
          environment: environmentOf(args),
          service: requiredString(args, 'service'),
          version: requiredString(args, 'version'),
          ...(commitSha !== undefined ? { commitSha } : {}),
          ...(url !== undefined ? { url } : {}),
        },
      }),
    );
    ctx.out.result(recorded, () => {
      const what = recorded.repeated ? 'repeat of deployment' : 'recorded deployment';
      ctx.out.line(
        `${what} ${recorded.id}: ${recorded.service} ${recorded.version} in ${recorded.projectKey}/${recorded.environmentKey}`,
      );
      ctx.out.fields([
        ['flags', recorded.flagKeys.length ? recorded.flagKeys.join(', ') : '(none linked to the service)'],
        [
          'effects',
          recorded.effects.length ? recorded.effects.map((e) => `${e.flagKey}: ${e.kind}`).join('; ') : '(none)',
        ],
      ]);
    });
    return EXIT.ok;
  },
};

const list: CliCommand = {
  path: ['deployments', 'list'],
  summary: 'List the deployments recorded in an environment, newest first',
  usage: [
    '--project <p> --environment <e> [--service <name>] [--limit <n>] [--before <cursor>]',
    'Example: gantry deployments list -p shop -e production --service checkout-api --limit 10',
  ].join('\n'),
  options: { ...where, service: { type: 'string' }, limit: { type: 'string' }, before: { type: 'string' } },
  async run(ctx, args) {
    positionals(args);
    const path = { projectKey: requiredString(args, 'project'), envKey: environmentOf(args) };
    const query = {
      service: optionalString(args, 'service'),
      limit: optionalInteger(args, 'limit'),
      before: optionalString(args, 'before'),
    };
    const page = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/deployments', { params: { path, query } }),
    );
    ctx.out.result(page, () => {
      ctx.out.table(page.items, [
        { header: 'at', value: (d: Deployment) => d.createdAt },
        { header: 'service', value: (d) => d.service },
        { header: 'version', value: (d) => d.version },
        { header: 'commit', value: (d) => d.commitSha?.slice(0, 12) ?? '' },
        { header: 'by', value: (d) => d.actor.name },
      ]);
      if (page.next) ctx.out.line(ctx.out.dim(`more: --before ${page.next}`));
    });
    return EXIT.ok;
  },
};

export const deploymentCommands: CliCommand[] = [signal, list];
