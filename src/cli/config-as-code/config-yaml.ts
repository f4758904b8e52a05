/**
 * gantry.yaml as text: parsing that reports YAML mistakes (bad syntax, a key written twice in one
 * mapping) with line and column, then the schema and semantic checks with field paths; and the
 * exported text, whose first line points editors at the schema.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { CONFIG_SCHEMA, validateConfig, type ConfigFile, type ConfigProblem } from '../../core/config-as-code';
import { CliError, CliUsageError } from '../cli-errors';
import { EXIT } from '../exit-codes';

/** The file cannot be planned: every problem, each with the path (or position) of what is wrong. */
export class ConfigInvalidError extends CliError {
  readonly exitCode = EXIT.error;
  readonly errors: { field: string; reason: string }[];
  constructor(source: string, problems: ConfigProblem[]) {
    super(
      `${source} is not a valid Gantry config file (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was written`,
    );
    this.errors = problems.map((p) => ({ field: p.field || '(document)', reason: p.reason }));
  }
  toJSON() {
    return { error: { kind: 'config', message: this.message, errors: this.errors } };
  }
}

export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = path === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return parseConfig(text, path === '-' ? 'stdin' : path);
}

export function parseConfig(text: string, source: string): ConfigFile {
  const doc = YAML.parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigInvalidError(
      source,
      doc.errors.map((e) => ({
        field: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
        reason: e.message.split('\n')[0],
      })),
    );
  }
  const result = validateConfig(doc.toJS());
  if (!result.ok) throw new ConfigInvalidError(source, result.problems);
  return result.config;
}

export function configToYaml(config: ConfigFile, schemaUrl: string = CONFIG_SCHEMA.$id): string {
  const body = YAML.stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
  return `# yaml-language-server: $schema=${schemaUrl}\n${body}`;
}
