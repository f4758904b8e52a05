/** `gantry segments list|get --project <p> --env <e>`: segments live per environment. */
import type { components } from '../../../openapi/schema';
import { call } from '../api';
import { optionalInteger, positionals, requiredString } from '../args';
import type { CliCommand } from '../command';
import { EXIT } from '../exit-codes';

type Segment = components['schemas']['SegmentDto'];

const where = { project: { type: 'string', short: 'p' }, env: { type: 'string', short: 'e' } } as const;

const list: CliCommand = {
  path: ['segments', 'list'],
  summary: "List an environment's segments",
  usage: '--project <p> --env <e> [--limit <n>]',
  options: { ...where, limit: { type: 'string' } },
  async run(ctx, args) {
    positionals(args);
    const path = { projectKey: requiredString(args, 'project'), envKey: requiredString(args, 'env') };
    const query = { limit: optionalInteger(args, 'limit') };
    const page = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments', { params: { path, query } }),
    );
    ctx.out.result(page, () =>
      ctx.out.table(page.items, [
        { header: 'key', value: (s: Segment) => s.key },
        { header: 'name', value: (s) => s.name },
        { header: 'included', value: (s) => s.included.length + s.includedContexts.length },
        { header: 'excluded', value: (s) => s.excluded.length + s.excludedContexts.length },
        { header: 'rules', value: (s) => s.rules.length },
        { header: 'version', value: (s) => s.version },
      ]),
    );
    return EXIT.ok;
  },
};

const get: CliCommand = {
  path: ['segments', 'get'],
  summary: 'Show one segment',
  usage: '<segment> --project <p> --env <e>',
  options: where,
  async run(ctx, args) {
    const { segment } = positionals(args, 'segment');
    const path = {
      projectKey: requiredString(args, 'project'),
      envKey: requiredString(args, 'env'),
      segmentKey: segment,
    };
    const s = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments/{segmentKey}', { params: { path } }),
    );
    ctx.out.result(s, () =>
      ctx.out.fields([
        ['key', s.key],
        ['name', s.name],
        ['description', s.description],
        ['tags', s.tags],
        ['included', s.included],
        ['excluded', s.excluded],
        ['rules', s.rules.length],
        ['version', s.version],
      ]),
    );
    return EXIT.ok;
  },
};

export const segmentCommands: CliCommand[] = [list, get];
