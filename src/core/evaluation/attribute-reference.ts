/**
 * Attribute references (protocols.md §2.2), parsed once at compile time. The rules follow
 * js-sdk-common's AttributeReference, quirks included:
 * - a component whose first character is `~` is taken as written (no `~0`/`~1` unescaping);
 * - in the `/` form, `~` followed by `|` or `^` is accepted (the reference's character class is
 *   `[^0|^1]`), every other escape but `~0`/`~1` is invalid;
 * - `//` anywhere and a trailing `~` are invalid even in the plain (no leading `/`) form.
 */
export interface AttrRef {
  /** The text as written in the flag (for traces). */
  readonly text: string;
  readonly valid: boolean;
  readonly components: readonly string[];
  /** `kind` (one component): resolves to the context's kinds. */
  readonly isKind: boolean;
  /** `anonymous` (one component): resolves to `!!anonymous`. */
  readonly isAnonymous: boolean;
}

const INVALID_REFERENCE = /\/\/|^\/.*~[^01|^]|~$/;
const ESCAPED_SLASH = /~1/g;
const ESCAPED_TILDE = /~0/g;

function unescapeComponent(component: string): string {
  // The reference skips unescaping when the component *starts* with `~` (indexOf === 0 is falsy).
  return component.indexOf('~') === 0 ? component : component.replace(ESCAPED_SLASH, '/').replace(ESCAPED_TILDE, '~');
}

function make(text: string, valid: boolean, components: readonly string[]): AttrRef {
  const single = valid && components.length === 1;
  return Object.freeze({
    text,
    valid,
    components: Object.freeze(components.slice()),
    isKind: single && components[0] === 'kind',
    isAnonymous: single && components[0] === 'anonymous',
  });
}

/**
 * `literal` is true when the owning clause/rollout/segment rule has no context kind: the whole
 * string is then one attribute name, and only `""` is invalid.
 */
export function parseAttrRef(text: unknown, literal: boolean): AttrRef {
  if (typeof text !== 'string') return make(String(text), false, []);
  if (literal) return make(text, text !== '', [text]);
  if (text === '' || text === '/' || INVALID_REFERENCE.test(text)) return make(text, false, []);
  let components: string[];
  if (text.charCodeAt(0) !== 0x2f /* '/' */) components = [text];
  else if (text.indexOf('/', 1) < 0) components = [unescapeComponent(text.slice(1))];
  else components = text.slice(1).split('/').map(unescapeComponent);
  // `_meta` is not addressable.
  return make(text, components[0] !== '_meta', components);
}

export const KEY_REF: AttrRef = parseAttrRef('key', true);
export const INVALID_REF: AttrRef = make('', false, []);
