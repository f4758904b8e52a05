/**
 * Writes the README's "Error catalogue" table from src/core/error-catalogue.ts, between the
 * `<!-- error-catalogue:start -->` and `<!-- error-catalogue:end -->` markers. Run by `npm run openapi`;
 * src/core/error-catalogue.spec.ts fails when the committed README differs.
 *
 *   node -r ts-node/register/transpile-only scripts/generate-error-docs.ts
 */
import { ERROR_CATALOGUE, ERROR_CODES } from '../src/core/error-catalogue';
import { updateReadme, withReadmeSection } from './readme-section';

export { README_PATH } from './readme-section';

/** The table, one row per code in catalogue order. */
export function renderErrorCatalogue(): string {
  const rows = ERROR_CODES.map(
    (code) => `| \`${code}\` | ${ERROR_CATALOGUE[code].status} | ${ERROR_CATALOGUE[code].title} |`,
  );
  return ['| code | status | title |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `readme` with the text between the markers replaced by the table. */
export function withErrorCatalogue(readme: string): string {
  return withReadmeSection(readme, 'error-catalogue', renderErrorCatalogue());
}

if (require.main === module) {
  updateReadme(withErrorCatalogue, `error catalogue of ${ERROR_CODES.length} codes`);
}
