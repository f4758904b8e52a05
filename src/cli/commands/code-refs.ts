/**
 * `gantry code-refs scan`: finds the project's flag keys in a source tree and reports them to
 * Gantry as the repository+branch's code references (replacing what that branch had). Meant for
 * CI, after checkout; `--dry-run` prints what it would send.
 */
import path from 'node:path';
import fs from 'node:fs';
import { compilePattern, type KeyPattern } from '../../core/code-refs/scan-text';
import { call } from '../api';
import { flag as booleanFlag, optionalString, positionals, requiredString, strings } from '../args';
import { CliUsageError } from '../cli-errors';
import type { CliCommand } from '../command';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { scanTree } from '../code-refs/scan-tree';

/** The server refuses more in one report; the CLI says so before sending. */
const MAX_REFERENCES = 10_000;
const PAGE = 200;

const scan: CliCommand = {
  path: ['code-refs', 'scan'],
  summary: 'Find flag keys in a source tree (respecting .gitignore) and report them as code references',
  usage: [
    '--project <p> --repository <r> --branch <b> --commit <sha> [--dir <path>] [--pattern <regex> ...] [--dry-run]',
    "Default patterns find the key quoted: 'key', \"key\", `key`. A --pattern's first capture group is the key.",
    'Example (CI): gantry code-refs scan --project shop --repository "$GITHUB_REPOSITORY" \\',
    '  --branch "$GITHUB_REF_NAME" --commit "$GITHUB_SHA"',
  ].join('\n'),
  options: {
    project: { type: 'string', short: 'p' },
    dir: { type: 'string' },
    repository: { type: 'string' },
    branch: { type: 'string' },
    commit: { type: 'string' },
    pattern: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
  },
  async run(ctx, args) {
    positionals(args);
    const projectKey = requiredString(args, 'project');
    const repository = requiredString(args, 'repository');
    const branch = requiredString(args, 'branch');
    const commit = requiredString(args, 'commit');
    const dryRun = booleanFlag(args, 'dry-run');
    const dir = path.resolve(optionalString(args, 'dir') ?? '.');
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      throw new CliUsageError(`--dir '${dir}' is not a directory`);
    const patterns = strings(args, 'pattern').map(patternOf);

    const keys = await flagKeys(ctx, projectKey);
    let seen = 0;
    const scanned = scanTree(dir, keys, patterns, () => {
      if (++seen % 200 === 0) ctx.out.progress(`scanned ${seen} files…`);
    });
    ctx.out.clearProgress();
    if (scanned.references.length > MAX_REFERENCES)
      throw new CliUsageError(
        `${scanned.references.length} references found; a report takes at most ${MAX_REFERENCES} ` +
          '(narrow the scan with .gitignore or --dir)',
      );
    const references = scanned.references.map((r) => ({
      flagKey: r.flagKey,
      path: r.path,
      line: r.line,
      context: r.context,
    }));
    const report = dryRun
      ? null
      : await call(
          ctx.api.POST('/api/v1/projects/{projectKey}/code-references', {
            params: { path: { projectKey } },
            body: { repository, branch, commit, references },
          }),
        );
    const document = {
      project: projectKey,
      repository,
      branch,
      commit,
      dryRun,
      filesScanned: scanned.filesScanned,
      skipped: scanned.skipped,
      references,
      report,
    };
    ctx.out.result(document, () => {
      ctx.out.table(references, [
        { header: 'flag', value: (r) => r.flagKey },
        { header: 'location', value: (r) => `${r.path}:${r.line}` },
        { header: 'context', value: (r) => r.context.slice(0, 80) },
      ]);
      ctx.out.line();
      const skipped = scanned.skipped.binary + scanned.skipped.tooLarge;
      ctx.out.line(
        `${references.length} references to ${new Set(references.map((r) => r.flagKey)).size} flags in ` +
          `${scanned.filesScanned} files${skipped ? ` (${skipped} binary or large files skipped)` : ''}`,
      );
      ctx.out.line(
        report
          ? `reported for ${repository}@${branch} (${commit}): ${report.stored} stored, ${report.replaced} replaced`
          : 'dry run: nothing reported',
      );
    });
    return EXIT.ok;
  },
};

function patternOf(source: string): KeyPattern {
  try {
    return compilePattern(source);
  } catch (error) {
    throw new CliUsageError(`--pattern '${source}' is not a regular expression: ${(error as Error).message}`);
  }
}

/** Every flag key of the project (archived ones too: code still naming them is worth knowing). */
async function flagKeys(ctx: CliContext, projectKey: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await call(
      ctx.api.GET('/api/v1/projects/{projectKey}/flags', {
        params: { path: { projectKey }, query: { limit: PAGE, offset } },
      }),
    );
    for (const f of page.items) keys.add(f.key);
    if (page.items.length < PAGE) return keys;
  }
}

export const codeRefsCommands: CliCommand[] = [scan];
