/**
 * JavaScript's own string coercion of a value read from untyped JSON: what a template literal or
 * String() gives (numbers and booleans as written, objects as "[object Object]"). The Node SDK
 * coerces keys, salts and kinds this way, and evaluation must agree with it even on malformed data,
 * so here the default stringification is the intended result, not an accident.
 */
export const jsString = (value: unknown): string => String(value);
