/**
 * Why an attribute (or bucketBy) reference is unusable, or undefined if it is fine. The SDKs turn an
 * invalid reference into MALFORMED_FLAG at evaluation time (protocols.md §2.2), so we refuse it at
 * write time instead. Without a context kind the attribute is one literal name.
 */
export function attributeReferenceProblem(reference: string, hasContextKind: boolean): string | undefined {
  if (reference === '') return 'must not be empty';
  if (!hasContextKind || !reference.startsWith('/')) {
    return hasContextKind && reference === '_meta' ? "'_meta' cannot be referenced" : undefined;
  }
  if (reference === '/') return "'/' is not a valid attribute reference";
  const components = reference.slice(1).split('/');
  if (components.some((component) => component === '')) return `'${reference}' has an empty path component`;
  if (components.some((component) => /~(?![01])/.test(component))) {
    return `'${reference}' has '~' not followed by 0 or 1`;
  }
  if (components[0] === '_meta') return "'_meta' cannot be referenced";
  return undefined;
}
