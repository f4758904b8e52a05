/**
 * Writes the README's "Error catalogue" table from src/core/error-catalogue.ts, between the
 * `<!-- error-catalogue:start -->` and `<!-- error-catalogue:end -->` markers. Run by `npm run openapi`;
 * src/core/error-catalogue.spec.ts fails when the committed README differs.
 *
 *   node -r ts-node/register/transpile-only scripts/generate-error-docs.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE, ERROR_CODES } from '../src/core/error-catalogue';

export const README_PATH = path.join(__dirname, '..', 'README.md');
const START = '<!-- error-catalogue:start -->';
const END = '<!-- error-catalogue:end -->';

/** The table, one row per code in catalogue order. */
export function renderErrorCatalogue(): string {
  const rows = ERROR_CODES.map(
    (code) => `| \`${code}\` | ${ERROR_CATALOGUE[code].status} | ${ERROR_CATALOGUE[code].title} |`,
  );
  return ['| code | status | title |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `readme` with the text between the markers replaced by the table. */
export function withErrorCatalogue(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n${renderErrorCatalogue()}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const before = fs.readFileSync(README_PATH, 'utf8');
  const after = withErrorCatalogue(before);
  if (after !== before) fs.writeFileSync(README_PATH, after);
  process.stdout.write(
    `README.md: error catalogue of ${ERROR_CODES.length} codes${after === before ? ', unchanged' : ''}\n`,
  );
}
