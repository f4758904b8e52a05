/**
 * The one wildcard policies know: `*` matches any run of characters (including none); every other
 * character is literal. Regexes are built once when a policy is compiled, never per check.
 */
export function globToRegExp(glob: string, flags = ''): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, flags);
}
