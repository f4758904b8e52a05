/** `gantry projects list|get`: the projects the token can read, with their environments. */
import type { components } from '../../../openapi/schema';
import { call } from '../api';
import { positionals } from '../args';
import type { CliCommand } from '../command';
import { EXIT } from '../exit-codes';

type Project = components['schemas']['ProjectDto'];

const list: CliCommand = {
  path: ['projects', 'list'],
  summary: 'List projects',
  usage: '',
  options: {},
  async run(ctx) {
    const page = await call(ctx.api.GET('/api/v1/projects'));
    ctx.out.result(page, () =>
      ctx.out.table(page.items, [
        { header: 'key', value: (p: Project) => p.key },
        { header: 'name', value: (p) => p.name },
        { header: 'environments', value: (p) => p.environments.map((e) => e.key) },
        { header: 'tags', value: (p) => p.tags },
      ]),
    );
    return EXIT.ok;
  },
};

const get: CliCommand = {
  path: ['projects', 'get'],
  summary: 'Show a project and its environments',
  usage: '<project>',
  options: {},
  async run(ctx, args) {
    const { project } = positionals(args, 'project');
    const found = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}', { params: { path: { projectKey: project } } }),
    );
    ctx.out.result(found, () => {
      ctx.out.fields([
        ['key', found.key],
        ['name', found.name],
        ['tags', found.tags],
        ['created', found.createdAt],
      ]);
      ctx.out.line();
      ctx.out.table(found.environments, [
        { header: 'environment', value: (e) => e.key },
        { header: 'name', value: (e) => e.name },
        { header: 'critical', value: (e) => e.critical },
      ]);
    });
    return EXIT.ok;
  },
};

export const projectCommands: CliCommand[] = [list, get];
