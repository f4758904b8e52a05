/**
 * Walks a source tree for `gantry code-refs scan`: `.gitignore` files (the root's and nested ones)
 * are honoured with core/code-refs' subset of git's matching, ignored directories are not entered,
 * `.git` is never read, symbolic links are not followed, and binary or huge files are skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isIgnored, parseGitignore, type IgnoreRule } from '../../core/code-refs/gitignore';
import { findReferences, looksBinary, type KeyPattern } from '../../core/code-refs/scan-text';

/** Files larger than this are skipped (generated bundles, data): references live in source. */
export const MAX_FILE_BYTES = 1_048_576;

export interface ScannedReference {
  flagKey: string;
  /** Relative to the scanned directory, with `/`. */
  path: string;
  line: number;
  context: string;
}

export interface ScanResult {
  references: ScannedReference[];
  filesScanned: number;
  skipped: { binary: number; tooLarge: number };
}

export function scanTree(
  root: string,
  keys: ReadonlySet<string>,
  patterns: readonly KeyPattern[],
  onFile?: (relPath: string) => void,
): ScanResult {
  const result: ScanResult = { references: [], filesScanned: 0, skipped: { binary: 0, tooLarge: 0 } };
  const walk = (rel: string, inherited: readonly IgnoreRule[]) => {
    const dir = path.join(root, rel);
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    let rules = inherited;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile()))
      rules = [...inherited, ...parseGitignore(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), rel)];
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name === '.git' || isIgnored(rules, relPath, true)) continue;
        walk(relPath, rules);
      } else if (entry.isFile()) {
        if (isIgnored(rules, relPath, false)) continue;
        scanFile(root, relPath, keys, patterns, result);
        onFile?.(relPath);
      }
    }
  };
  walk('', []);
  return result;
}

function scanFile(
  root: string,
  relPath: string,
  keys: ReadonlySet<string>,
  patterns: readonly KeyPattern[],
  result: ScanResult,
): void {
  const file = path.join(root, relPath);
  if (fs.statSync(file).size > MAX_FILE_BYTES) {
    result.skipped.tooLarge++;
    return;
  }
  const bytes = fs.readFileSync(file);
  if (looksBinary(bytes)) {
    result.skipped.binary++;
    return;
  }
  result.filesScanned++;
  for (const r of findReferences(bytes.toString('utf8'), keys, patterns))
    result.references.push({ ...r, path: relPath });
}
