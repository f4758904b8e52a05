/**
 * The read commands end to end (`projects`, `environments`, `flags`, `segments`), the CLI as a child
 * process against a started Gantry, in both output modes; and the failures a script must be able to
 * tell apart (unknown resource, wrong token, unreachable server, no configuration, bad usage).
 */
import net from 'node:net';
import { startGantry, type Gantry } from '../../support/app-harness';
import { cliEnv, runCli } from '../../support/cli';
import { factory, type Flag } from '../../support/factories';

let gantry: Gantry;
let projectKey: string;
let flag: Flag;
let segmentKey: string;

beforeAll(async () => {
  gantry = await startGantry();
  const owner = gantry.client(gantry.ownerToken);
  const project = await factory.project(owner, {
    environments: ['staging', { key: 'production', name: 'Production', critical: true }],
  });
  projectKey = project.key;
  flag = await factory.flag(owner, projectKey, { key: 'checkout', variations: ['old', 'new'], tags: ['team-pay'] });
  await factory.patchFlag(owner, projectKey, flag.key, {
    environmentKey: 'staging',
    instructions: [{ kind: 'turnFlagOn' }],
  });
  await factory.flag(owner, projectKey, { key: 'banner' });
  segmentKey = (await factory.segment(owner, projectKey, 'staging', { key: 'beta', included: ['u-1', 'u-2'] })).key;
});
afterAll(async () => {
  await gantry?.stop();
});

describe('gantry projects', () => {
  it('lists projects as a table for people and as the API document with --json', async () => {
    const human = await runCli(['projects', 'list'], { env: cliEnv(gantry) });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^KEY\s+NAME\s+ENVIRONMENTS\s+TAGS/);
    expect(human.stdout).toContain(`${projectKey}`);
    expect(human.stdout).toContain('production,staging'); // the API lists environments by key
    expect(human.stdout).not.toContain('\u001b['); // not a terminal: no colour codes

    const json = await runCli(['--json', 'projects', 'list'], { env: cliEnv(gantry) });
    expect(json.code).toBe(0);
    const project = json.json().items.find((p: { key: string }) => p.key === projectKey);
    expect(project.environments.map((e: { key: string; critical: boolean }) => [e.key, e.critical])).toEqual([
      ['production', true],
      ['staging', false],
    ]);
    expect(json.stderr).toBe('');
  });

  it('gets one project; an unknown one exits 1 with the problem code, as text and as JSON', async () => {
    const found = await runCli(['projects', 'get', projectKey, '--json'], { env: cliEnv(gantry) });
    expect(found.code).toBe(0);
    expect(found.json()).toMatchObject({ key: projectKey, environments: [{ key: 'production' }, { key: 'staging' }] });

    const missing = await runCli(['projects', 'get', 'no-such-project'], { env: cliEnv(gantry) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: Project not found \(project\/not_found\): /);
    expect(missing.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace for an expected error
    expect(missing.stdout).toBe('');

    const missingJson = await runCli(['projects', 'get', 'no-such-project', '--json'], { env: cliEnv(gantry) });
    expect(missingJson.code).toBe(1);
    expect(missingJson.json()).toMatchObject({ error: { kind: 'api', status: 404, code: 'project/not_found' } });
  });

  it('tells apart a wrong token, an unreachable server, missing configuration and bad usage', async () => {
    const wrongToken = await runCli(['projects', 'list', '--json'], {
      env: { ...cliEnv(gantry), GANTRY_TOKEN: 'gnt_not-a-token-at-all-000' },
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.json().error).toMatchObject({ status: 401, code: 'auth/invalid_token' });

    const closed = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = await runCli(['projects', 'list'], { env: { GANTRY_URL: closed, GANTRY_TOKEN: 'x' } });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(`error: cannot reach Gantry at ${closed}: ECONNREFUSED\n`);

    const unconfigured = await runCli(['projects', 'list']);
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr).toMatch(/^error: no Gantry URL: pass --url, set GANTRY_URL/);

    const unknownOption = await runCli(['projects', 'list', '--projct', 'x'], { env: cliEnv(gantry) });
    expect(unknownOption.code).toBe(1);
    expect(unknownOption.stderr).toContain("Unknown option '--projct'");
    expect(unknownOption.stderr).toContain('gantry projects list --help');

    const unknownCommand = await runCli(['projectz'], { env: cliEnv(gantry) });
    expect(unknownCommand.code).toBe(1);
    expect(unknownCommand.stderr).toContain("unknown command 'projectz'");

    const groupOnly = await runCli(['flag'], { env: cliEnv(gantry) });
    expect([groupOnly.code, groupOnly.stderr]).toEqual([
      1,
      expect.stringContaining("'flag' needs a subcommand: on, off, patch"),
    ]);
    // A command word used as a value elsewhere is still a value: the words are taken where they stand.
    const wordAsKey = await runCli(['projects', 'get', 'projects', '--json'], { env: cliEnv(gantry) });
    expect([wordAsKey.code, wordAsKey.json().error.code]).toEqual([1, 'project/not_found']);

    const extra = await runCli(['projects', 'get', 'a', 'b'], { env: cliEnv(gantry) });
    expect(extra.code).toBe(1);
    expect(extra.stderr).toContain("unexpected argument 'b'");

    const help = await runCli(['projects', 'get', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gantry projects get <project>/);
  });

  it('lists and gets environments', async () => {
    const list = await runCli(['environments', 'list', '--project', projectKey, '--json'], { env: cliEnv(gantry) });
    expect(list.code).toBe(0);
    expect(list.json().items.map((e: any) => [e.key, e.critical])).toEqual([
      ['production', true],
      ['staging', false],
    ]);
    const human = await runCli(['environments', 'list', '-p', projectKey], { env: cliEnv(gantry) });
    expect(human.stdout).toMatch(/^KEY\s+NAME\s+CRITICAL\s+REVISION\s+TAGS\nproduction\s+Production\s+true/);

    const one = await runCli(['environments', 'get', 'staging', '--project', projectKey, '--json'], {
      env: cliEnv(gantry),
    });
    expect(one.json()).toMatchObject({ key: 'staging', critical: false, sdkKey: expect.stringMatching(/\S{10,}/) });
    const noProject = await runCli(['environments', 'list'], { env: cliEnv(gantry) });
    expect(noProject.code).toBe(1);
    expect(noProject.stderr).toContain('error: --project is required');
    const unknown = await runCli(['environments', 'get', 'qa', '-p', projectKey, '--json'], { env: cliEnv(gantry) });
    expect([unknown.code, unknown.json().error.code]).toEqual([1, 'environment/not_found']);
  });

  it("lists flags (filtered, with one environment's state) and gets one with its environments", async () => {
    const list = await runCli(['flags', 'list', '--project', projectKey, '--env', 'staging'], { env: cliEnv(gantry) });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^KEY\s+NAME\s+KIND\s+STAGING\s+SERVES\s+TAGS$/m);
    expect(list.stdout).toMatch(/^checkout\s+Flag checkout\s+multivariate\s+on\s+"old"\s+team-pay$/m);
    expect(list.stdout).toMatch(/^banner\s+.*\s+off\s+/m);

    const tagged = await runCli(['flags', 'list', '-p', projectKey, '--tag', 'team-pay', '--json'], {
      env: cliEnv(gantry),
    });
    expect(tagged.json().items.map((f: Flag) => f.key)).toEqual(['checkout']);

    const one = await runCli(['flags', 'get', 'checkout', '-p', projectKey, '--json'], { env: cliEnv(gantry) });
    expect(one.json()).toMatchObject({
      key: 'checkout',
      variations: [{ value: 'old' }, { value: 'new' }],
      environments: { staging: { on: true }, production: { on: false } },
    });
    const human = await runCli(['flags', 'get', 'checkout', '-p', projectKey], { env: cliEnv(gantry) });
    expect(human.stdout).toContain(`"old" (${flag.variations[0]._id})`);
    expect(human.stdout).toMatch(/^staging\s+on\s+"old"/m);

    const missing = await runCli(['flags', 'get', 'nope', '-p', projectKey], { env: cliEnv(gantry) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: Flag not found \(flag\/not_found\)/);
    const badLimit = await runCli(['flags', 'list', '-p', projectKey, '--limit', 'many'], { env: cliEnv(gantry) });
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toContain('--limit must be an integer');
  });

  it('lists and gets segments of an environment', async () => {
    const list = await runCli(['segments', 'list', '-p', projectKey, '-e', 'staging', '--json'], {
      env: cliEnv(gantry),
    });
    expect(list.json().items).toEqual([expect.objectContaining({ key: segmentKey, included: ['u-1', 'u-2'] })]);
    const human = await runCli(['segments', 'list', '-p', projectKey, '-e', 'staging'], { env: cliEnv(gantry) });
    expect(human.stdout).toMatch(/^beta\s+Segment beta\s+2\s+0\s+0\s+1$/m);
    const one = await runCli(['segments', 'get', 'beta', '-p', projectKey, '-e', 'staging', '--json'], {
      env: cliEnv(gantry),
    });
    expect(one.json()).toMatchObject({ key: 'beta', included: ['u-1', 'u-2'], version: 1 });
    const elsewhere = await runCli(['segments', 'get', 'beta', '-p', projectKey, '-e', 'production', '--json'], {
      env: cliEnv(gantry),
    });
    expect([elsewhere.code, elsewhere.json().error.code]).toEqual([1, 'segment/not_found']);
    const noEnv = await runCli(['segments', 'list', '-p', projectKey], { env: cliEnv(gantry) });
    expect(noEnv.stderr).toContain('--env is required');
  });

  it('takes flags over the environment', async () => {
    const viaFlags = await runCli(
      ['projects', 'list', '--json', '--url', gantry.baseUrl, '--token', gantry.ownerToken],
      {
        env: { GANTRY_URL: 'http://127.0.0.1:9', GANTRY_TOKEN: 'wrong' },
      },
    );
    expect(viaFlags.code).toBe(0);
    expect(viaFlags.json().items.map((p: { key: string }) => p.key)).toContain(projectKey);
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
