/** `gantry flags list|get --project <p>`: flags and how each environment serves them. */
import type { components } from '../../../openapi/schema';
import { call } from '../api';
import { flag as booleanFlag, optionalInteger, optionalString, positionals, requiredString } from '../args';
import type { CliCommand } from '../command';
import { EXIT } from '../exit-codes';
import { servingLabel, variationLabel } from '../variations';

type Flag = components['schemas']['FlagDto'];

const list: CliCommand = {
  path: ['flags', 'list'],
  summary: "List a project's flags (with --env: whether each is on there)",
  usage: '--project <p> [--env <e>] [--tag <t>] [--query <text>] [--archived] [--limit <n>]',
  options: {
    project: { type: 'string', short: 'p' },
    env: { type: 'string', short: 'e' },
    tag: { type: 'string' },
    query: { type: 'string' },
    archived: { type: 'boolean' },
    limit: { type: 'string' },
  },
  async run(ctx, args) {
    positionals(args);
    const projectKey = requiredString(args, 'project');
    const env = optionalString(args, 'env');
    const query = {
      tag: optionalString(args, 'tag'),
      query: optionalString(args, 'query'),
      archived: booleanFlag(args, 'archived') ? true : undefined,
      limit: optionalInteger(args, 'limit'),
    };
    const page = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/flags', { params: { path: { projectKey }, query } }),
    );
    ctx.out.result(page, () =>
      ctx.out.table(page.items, [
        { header: 'key', value: (f: Flag) => f.key },
        { header: 'name', value: (f) => f.name },
        { header: 'kind', value: (f) => f.kind },
        ...(env
          ? [
              { header: env, value: (f: Flag) => onOff(f, env) },
              { header: 'serves', value: (f: Flag) => servingLabel(f, f.environments[env]?.fallthrough) },
            ]
          : [{ header: 'on in', value: (f: Flag) => Object.keys(f.environments).filter((e) => f.environments[e].on) }]),
        { header: 'tags', value: (f) => f.tags },
      ]),
    );
    return EXIT.ok;
  },
};

const get: CliCommand = {
  path: ['flags', 'get'],
  summary: 'Show a flag: variations and, per environment, on/off, default serving, rules, version',
  usage: '<flag> --project <p>',
  options: { project: { type: 'string', short: 'p' } },
  async run(ctx, args) {
    const { flag: flagKey } = positionals(args, 'flag');
    const projectKey = requiredString(args, 'project');
    const f = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', { params: { path: { projectKey, flagKey } } }),
    );
    ctx.out.result(f, () => {
      ctx.out.fields([
        ['key', f.key],
        ['name', f.name],
        ['kind', f.kind],
        ['version', f.version],
        ['tags', f.tags],
        ['archived', f.archived],
        ['variations', f.variations.map((v) => `${variationLabel(v)} (${v._id})`)],
      ]);
      ctx.out.line();
      ctx.out.table(Object.entries(f.environments), [
        { header: 'environment', value: ([key]) => key },
        { header: 'on', value: ([key]) => onOff(f, key) },
        { header: 'serves', value: ([, c]) => servingLabel(f, c.fallthrough) },
        {
          header: 'off serves',
          value: ([, c]) => (c.offVariation === null ? '-' : variationLabel(f.variations[c.offVariation])),
        },
        { header: 'rules', value: ([, c]) => c.rules.length },
        { header: 'version', value: ([, c]) => c.version },
      ]);
    });
    return EXIT.ok;
  },
};

function onOff(f: Flag, env: string): string {
  const config = f.environments[env];
  if (!config) return '-';
  return config.on ? 'on' : 'off';
}

export const flagReadCommands: CliCommand[] = [list, get];
