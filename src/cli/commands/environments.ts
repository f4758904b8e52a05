/** `gantry environments list|get --project <p>`. SDK keys are shown only when the token may view them. */
import type { components } from '../../../openapi/schema';
import { call } from '../api';
import { positionals, requiredString } from '../args';
import type { CliCommand } from '../command';
import { EXIT } from '../exit-codes';

type Environment = components['schemas']['EnvironmentDto'];

const project = { project: { type: 'string', short: 'p' } } as const;

const list: CliCommand = {
  path: ['environments', 'list'],
  summary: "List a project's environments",
  usage: '--project <p>',
  options: project,
  async run(ctx, args) {
    positionals(args);
    const projectKey = requiredString(args, 'project');
    const page = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/environments', { params: { path: { projectKey } } }),
    );
    ctx.out.result(page, () =>
      ctx.out.table(page.items, [
        { header: 'key', value: (e: Environment) => e.key },
        { header: 'name', value: (e) => e.name },
        { header: 'critical', value: (e) => e.critical },
        { header: 'revision', value: (e) => e.revision },
        { header: 'tags', value: (e) => e.tags },
      ]),
    );
    return EXIT.ok;
  },
};

const get: CliCommand = {
  path: ['environments', 'get'],
  summary: 'Show one environment (with its SDK keys if the token may view them)',
  usage: '<environment> --project <p>',
  options: project,
  async run(ctx, args) {
    const { environment } = positionals(args, 'environment');
    const projectKey = requiredString(args, 'project');
    const env = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/environments/{envKey}', {
        params: { path: { projectKey, envKey: environment } },
      }),
    );
    ctx.out.result(env, () =>
      ctx.out.fields([
        ['key', env.key],
        ['name', env.name],
        ['critical', env.critical],
        ['revision', env.revision],
        ['tags', env.tags],
        ['sdk key', env.sdkKey ?? '(hidden)'],
        ['mobile key', env.mobileKey ?? '(hidden)'],
        ['client-side id', env.clientSideId],
      ]),
    );
    return EXIT.ok;
  },
};

export const environmentCommands: CliCommand[] = [list, get];
