/**
 * A subset of `.gitignore` matching, in pure code (the CLI's `code-refs scan` walks a tree with it).
 *
 * Supported: blank lines and `#` comments; `\#`/`\!` escapes; negation `!pattern` (the last matching
 * pattern wins, as in git); trailing `/` (directories only); a pattern with a `/` at its start or in
 * its middle is anchored to the .gitignore's directory, otherwise it matches a name at any depth;
 * `*` (not `/`), `?`, `[...]` classes, and `**` (a leading `**` + slash, a trailing slash + `**`, and
 * one between slashes). Nested `.gitignore`
 * files apply below their directory, and a deeper file's patterns come after its parents'.
 * Not supported: trailing-space escapes, and git's rule that a file cannot be re-included when a
 * parent directory is excluded is kept by the walker simply not descending into ignored directories.
 */

export interface IgnoreRule {
  /** The directory of the .gitignore, relative to the scan root, '' for the root, no trailing slash. */
  base: string;
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` matches zero or more directories; a trailing `**` everything inside.
          if (i + 2 === glob.length) out += '.*';
          else out += '(?:.*/)?';
          i += 2; // skip the second * and the following slash (if any)
          continue;
        }
      }
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) out += glob[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/** Parses one .gitignore's text; `base` is its directory relative to the scan root. */
export function parseGitignore(text: string, base = ''): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    if (!line) continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = globToRegex(line);
    const regex = new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`);
    rules.push({ base: base.replace(/\/+$/, ''), negate, dirOnly, regex });
  }
  return rules;
}

/**
 * Whether `path` (relative to the scan root, '/'-separated) is ignored by `rules` (parents' rules
 * first). The last rule that matches decides; rules of a .gitignore apply only below its directory.
 */
export function isIgnored(rules: readonly IgnoreRule[], path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const r of rules) {
    if (r.dirOnly && !isDir) continue;
    let rel: string;
    if (!r.base) rel = path;
    else if (path.startsWith(`${r.base}/`)) rel = path.slice(r.base.length + 1);
    else continue;
    if (r.regex.test(rel)) ignored = !r.negate;
  }
  return ignored;
}
