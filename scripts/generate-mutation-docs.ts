/**
 * Writes the README's "Mutation registry" table from src/core/policy/mutation-registry.ts, between
 * the `<!-- mutation-registry:start -->` and `<!-- mutation-registry:end -->` markers. Run by
 * `npm run openapi`; src/core/policy/mutation-registry.spec.ts fails when the committed README differs.
 *
 *   node -r ts-node/register/transpile-only scripts/generate-mutation-docs.ts
 */
import { MUTATION_GATES, MUTATION_REGISTRY, type MutationEntry } from '../src/core/policy/mutation-registry';
import { updateReadme, withReadmeSection } from './readme-section';

const code = (s: string) => `\`${s}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|');

function actionsOf(e: MutationEntry): string {
  const own = e.actions.map(code);
  if (e.instructions) own.push(`each ${e.instructions} instruction's action`);
  return own.join(', ') || '—';
}

/** A count per gate, then one row per entry in registry order. */
export function renderMutationRegistry(entries: readonly MutationEntry[] = MUTATION_REGISTRY): string {
  const counts = MUTATION_GATES.map((g) => `${entries.filter((e) => e.gate === g).length} ${g}`).join(', ');
  const rows = entries.map((e) =>
    [
      e.surface + (e.credential ? ` (${e.credential})` : ''),
      code(e.operation),
      e.gate,
      actionsOf(e),
      e.resource,
      e.reason ?? '',
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    `${entries.length} operations: ${counts}.`,
    '',
    '| surface | operation | gate | actions checked | changes | why |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

/** `readme` with the text between the markers replaced by the table. */
export function withMutationRegistry(readme: string): string {
  return withReadmeSection(readme, 'mutation-registry', renderMutationRegistry());
}

if (require.main === module) {
  updateReadme(withMutationRegistry, `mutation registry of ${MUTATION_REGISTRY.length} operations`);
}
