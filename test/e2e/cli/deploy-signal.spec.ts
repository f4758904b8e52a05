/**
 * `gantry deploy-signal` as a CI step runs it: a service token from the environment, one JSON
 * document with --json, exit 0 for a recorded (or repeated) signal and 1 for a refusal, with the
 * problem's code; `deployments list` reads them back. Token precedence: --token over GANTRY_TOKEN.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { cliEnv, runCli } from '../../support/cli';
import { factory } from '../../support/factories';
import { serviceTokenWithClient } from '../../support/governance';

let gantry: Gantry;
let owner: ApiClient;
let projectKey: string;
let ciToken: string;
let readerToken: string;
let flagKey: string;

beforeAll(async () => {
  gantry = await startGantry({ role: 'api' });
  owner = gantry.client(gantry.ownerToken);
  projectKey = (await factory.project(owner, { environments: ['staging', 'production'] })).key;
  flagKey = (await factory.flag(owner, projectKey, { tags: ['service.checkout-api'] })).key;
  ciToken = (await serviceTokenWithClient(gantry, owner, 'writer')).token;
  readerToken = (await serviceTokenWithClient(gantry, owner, 'reader')).token;
});
afterAll(async () => {
  await gantry?.stop();
});

const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const signal = (...extra: string[]) => [
  'deploy-signal',
  '--project',
  projectKey,
  '--environment',
  'staging',
  '--service',
  'checkout-api',
  ...extra,
];

describe('gantry deploy-signal', () => {
  it('records a deployment with a service token and prints one JSON document', async () => {
    const r = await runCli(
      [...signal('--version', '2.0.0', '--commit', SHA, '--deploy-url', 'https://ci.example.com/run/5'), '--json'],
      { env: cliEnv(gantry, ciToken) },
    );
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      projectKey,
      environmentKey: 'staging',
      service: 'checkout-api',
      version: '2.0.0',
      commitSha: SHA,
      url: 'https://ci.example.com/run/5',
      actor: { kind: 'token' },
      flagKeys: [flagKey],
      effects: [],
      repeated: false,
    });
  });

  it('says so for people, and a repeat is exit 0 naming the first deployment', async () => {
    const first = await runCli([...signal('--version', '2.1.0'), '--json'], { env: cliEnv(gantry, ciToken) });
    const id = first.json().id as string;
    const again = await runCli(
      ['deploy-signal', '-p', projectKey, '-e', 'staging', '--service', 'checkout-api', '--version', '2.1.0'],
      {
        env: cliEnv(gantry, ciToken),
      },
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`^repeat of deployment ${id}: checkout-api 2\\.1\\.0 in ${projectKey}/staging\\n`),
    );
    expect(again.stdout).toMatch(new RegExp(`\nflags: +${flagKey}\neffects: +\\(none\\)\n$`));
  });

  it('exits 1 with the problem code for bad input, an unknown environment or a reader token', async () => {
    const bad = await runCli([...signal('--version', '2.2.0', '--commit', 'not-a-sha'), '--json'], {
      env: cliEnv(gantry, ciToken),
    });
    expect([bad.code, bad.json().error.code]).toEqual([1, 'deployment/invalid_commit_sha']);
    const human = await runCli(signal('--version', '2.2.0', '--deploy-url', 'ftp://x.example.com'), {
      env: cliEnv(gantry, ciToken),
    });
    expect([human.code, human.stdout]).toEqual([1, '']);
    expect(human.stderr).toMatch(/^error: Invalid deployment URL \(deployment\/invalid_url\)/);
    const nowhere = await runCli(
      ['deploy-signal', '-p', projectKey, '--environment', 'nowhere', '--service', 'x', '--version', '1', '--json'],
      { env: cliEnv(gantry, ciToken) },
    );
    expect([nowhere.code, nowhere.json().error.code]).toEqual([1, 'environment/not_found']);
    // --token wins over GANTRY_TOKEN: the reader's token is the one sent, and it may not record.
    const reader = await runCli([...signal('--version', '2.2.0'), '--token', readerToken, '--json'], {
      env: cliEnv(gantry, ciToken),
    });
    expect([reader.code, reader.json().error.code]).toEqual([1, 'auth/forbidden']);
    const usage = await runCli(['deploy-signal', '-p', projectKey, '--service', 'x', '--version', '1'], {
      env: cliEnv(gantry, ciToken),
    });
    expect([usage.code, usage.stderr]).toEqual([1, expect.stringContaining('--environment (or --env/-e) is required')]);
  });

  it('deployments list reads them back, newest first', async () => {
    const r = await runCli(['deployments', 'list', '-p', projectKey, '-e', 'staging', '--json'], {
      env: cliEnv(gantry, readerToken),
    });
    expect(r.code).toBe(0);
    expect(r.json().items.map((d: { version: string }) => d.version)).toEqual(['2.1.0', '2.0.0']);
    const human = await runCli(['deployments', 'list', '-p', projectKey, '-e', 'staging', '--limit', '1'], {
      env: cliEnv(gantry, readerToken),
    });
    expect(human.stdout).toMatch(/^AT\s+SERVICE\s+VERSION\s+COMMIT\s+BY\n\S+\s+checkout-api\s+2\.1\.0\s+/);
    expect(human.stdout).toContain('more: --before ');
  });
});
