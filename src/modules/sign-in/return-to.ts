const hasControlCharacter = (v: string) => [...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** Where the console starts when a sign-in names nowhere (or somewhere it may not go). */
export const CONSOLE_HOME = '/ui/';

/**
 * A same-origin console path to return to after signing in. Anything else (another origin,
 * `//host`, back-slashes, a path outside the console) becomes the console's home, so the sign-in
 * flow cannot be used to redirect people elsewhere.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return CONSOLE_HOME;
  if (!/^\/ui(\/|$|\?)/.test(value) || value.includes('\\') || hasControlCharacter(value)) return CONSOLE_HOME;
  try {
    const url = new URL(value, 'http://gantry.invalid');
    return url.host === 'gantry.invalid' && url.pathname.startsWith('/ui')
      ? `${url.pathname}${url.search}`
      : CONSOLE_HOME;
  } catch {
    return CONSOLE_HOME;
  }
}
