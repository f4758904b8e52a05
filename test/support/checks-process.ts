import pg from 'pg';

/**
 * The last line of a support script that checks something in a Node process of its own (run by
 * runSupportScript, support-script.ts): `main` prints its JSON report on stdout; a failure is
 * printed with its stack and the process exits 1, so the spec's beforeAll fails with it.
 */
export function runChecks(main: () => Promise<void>): void {
  void main().catch((e: Error) => {
    process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  });
}

/**
 * Records every message pg's clients send from now on (one per round trip), as the statement texts
 * in it with their whitespace collapsed: the returned array fills as they go (empty it to start over).
 */
export function recordPgMessages(): string[] {
  const messages: string[] = [];
  const clientQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : (config as { text?: string }).text;
    messages.push(String(text).replace(/\s+/g, ' ').trim());
    return (clientQuery as (...a: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof clientQuery;
  return messages;
}
