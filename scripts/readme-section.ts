/**
 * Generated sections of README.md: the text between `<!-- <name>:start -->` and `<!-- <name>:end -->`
 * is written by a script (`npm run openapi`) and a spec fails when the committed README differs.
 * Shared by scripts/generate-error-docs.ts and scripts/generate-mutation-docs.ts.
 */
import fs from 'node:fs';
import path from 'node:path';

export const README_PATH = path.join(__dirname, '..', 'README.md');

/** `readme` with the text between the markers of section `name` replaced by `body`. */
export function withReadmeSection(readme: string, name: string, body: string): string {
  const startMarker = `<!-- ${name}:start -->`;
  const endMarker = `<!-- ${name}:end -->`;
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${startMarker} and ${endMarker}`);
  return `${readme.slice(0, start + startMarker.length)}\n${body}\n${readme.slice(end)}`;
}

/** Rewrites README.md with `update` applied (only when it changes anything); prints `summary`. */
export function updateReadme(update: (readme: string) => string, summary: string): void {
  const before = fs.readFileSync(README_PATH, 'utf8');
  const after = update(before);
  if (after !== before) fs.writeFileSync(README_PATH, after);
  process.stdout.write(`README.md: ${summary}${after === before ? ', unchanged' : ''}\n`);
}
