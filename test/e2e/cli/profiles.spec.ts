/**
 * `gantry login|logout|profiles` and the profile file: the token is checked before it is stored,
 * stored 0600 in a 0700 directory, never read from a file others can read, and flags > env > file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGantry, type Gantry } from '../../support/app-harness';
import { runCli, tempConfigDir } from '../../support/cli';
import { factory } from '../../support/factories';

let gantry: Gantry;
let projectKey: string;

beforeAll(async () => {
  gantry = await startGantry();
  projectKey = (await factory.project(gantry.client(gantry.ownerToken))).key;
});
afterAll(async () => {
  await gantry?.stop();
});

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('gantry login and profiles', () => {
  it('checks the token, stores it 0600 in a 0700 directory, and later commands use it', async () => {
    const dir = path.join(tempConfigDir(), 'nested', 'gantry');
    const env = { GANTRY_CONFIG_DIR: dir };
    const login = await runCli(['login', '--url', gantry.baseUrl, '--token', gantry.ownerToken, '--json'], { env });
    expect(login.code).toBe(0);
    expect(login.json()).toMatchObject({
      profile: 'default',
      url: gantry.baseUrl,
      me: { kind: 'member', member: { role: 'owner' } },
    });
    const file = path.join(dir, 'profiles.json');
    expect(mode(file)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      current: 'default',
      profiles: { default: { url: gantry.baseUrl, token: gantry.ownerToken } },
    });

    const list = await runCli(['projects', 'list', '--json'], { env });
    expect(list.code).toBe(0);
    expect(list.json().items.map((p: { key: string }) => p.key)).toContain(projectKey);

    const profiles = await runCli(['profiles', '--json'], { env });
    expect(profiles.json()).toEqual({
      file,
      current: 'default',
      profiles: [{ name: 'default', url: gantry.baseUrl, current: true }],
    });
    expect(profiles.stdout).not.toContain(gantry.ownerToken);
  });

  it('reads the token from stdin with --with-token, keeps named profiles, and selects by --profile or GANTRY_PROFILE', async () => {
    const env = { GANTRY_CONFIG_DIR: tempConfigDir() };
    expect(
      (
        await runCli(['login', '--url', gantry.baseUrl, '--with-token', '--profile', 'ci'], {
          env,
          input: `${gantry.ownerToken}\n`,
        })
      ).code,
    ).toBe(0);
    // a second profile pointing nowhere, now the current one
    const bogus = await runCli(['login', '--url', 'http://127.0.0.1:1', '--token', 'x', '--profile', 'broken'], {
      env,
    });
    expect(bogus.code).toBe(1); // refused: the token could not be checked, and nothing was stored
    const human = await runCli(['profiles'], { env });
    expect(human.stdout).toMatch(/\*\s+ci\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(human.stdout).not.toContain('broken');

    expect((await runCli(['projects', 'list', '--profile', 'ci'], { env })).code).toBe(0);
    expect((await runCli(['projects', 'list'], { env: { ...env, GANTRY_PROFILE: 'ci' } })).code).toBe(0);
    const missing = await runCli(['projects', 'list', '--profile', 'nope'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no profile 'nope'");

    const logout = await runCli(['logout', '--profile', 'ci', '--json'], { env });
    expect(logout.json()).toEqual({ removed: 'ci' });
    const after = await runCli(['projects', 'list'], { env });
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('no Gantry URL');
  });

  it('a wrong token at login exits 1 with the problem code and stores nothing', async () => {
    const dir = tempConfigDir();
    const r = await runCli(['login', '--url', gantry.baseUrl, '--token', 'gnt_wrong-token-000000000000'], {
      env: { GANTRY_CONFIG_DIR: dir },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Invalid access token \(auth\/invalid_token\)/);
    expect(fs.existsSync(path.join(dir, 'profiles.json'))).toBe(false);

    const json = await runCli(['login', '--url', gantry.baseUrl, '--token', 'gnt_wrong-token-000000000000', '--json'], {
      env: { GANTRY_CONFIG_DIR: dir },
    });
    expect(json.json()).toMatchObject({ error: { kind: 'api', status: 401, code: 'auth/invalid_token' } });

    const noToken = await runCli(['login', '--url', gantry.baseUrl], { env: { GANTRY_CONFIG_DIR: dir } });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('--token or --with-token');
  });

  it('refuses a token from a group- or world-readable file, but flags and env still work', async () => {
    const dir = tempConfigDir();
    const env = { GANTRY_CONFIG_DIR: dir };
    expect((await runCli(['login', '--url', gantry.baseUrl, '--token', gantry.ownerToken], { env })).code).toBe(0);
    const file = path.join(dir, 'profiles.json');
    for (const loose of [0o640, 0o604]) {
      fs.chmodSync(file, loose);
      const refused = await runCli(['projects', 'list'], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`the profile file ${file} is readable by others (mode ${loose.toString(8)})`);
      expect(refused.stderr).toContain(`chmod 600 ${file}`);
      expect(refused.stdout).toBe('');
    }
    // The token given otherwise is used; the file's URL still is.
    const viaEnv = await runCli(['projects', 'list', '--json'], { env: { ...env, GANTRY_TOKEN: gantry.ownerToken } });
    expect(viaEnv.code).toBe(0);
    // `profiles` warns, and logging in again rewrites the file 0600.
    expect((await runCli(['profiles'], { env })).stderr).toContain('is readable by others');
    expect((await runCli(['login', '--url', gantry.baseUrl, '--token', gantry.ownerToken], { env })).code).toBe(0);
    expect(mode(file)).toBe(0o600);
    expect((await runCli(['projects', 'list'], { env })).code).toBe(0);
  });

  it('flags win over the environment, which wins over the profile; a corrupt file is named', async () => {
    const dir = tempConfigDir();
    const env = { GANTRY_CONFIG_DIR: dir };
    expect((await runCli(['login', '--url', gantry.baseUrl, '--token', gantry.ownerToken], { env })).code).toBe(0);
    const envWrong = await runCli(['projects', 'list', '--json'], {
      env: { ...env, GANTRY_TOKEN: 'gnt_wrong-token-000000000000' },
    });
    expect(envWrong.json().error.code).toBe('auth/invalid_token');
    const flagRight = await runCli(['projects', 'list', '--json', '--token', gantry.ownerToken], {
      env: { ...env, GANTRY_TOKEN: 'gnt_wrong-token-000000000000' },
    });
    expect(flagRight.code).toBe(0);

    fs.writeFileSync(path.join(dir, 'profiles.json'), '{not json', { mode: 0o600 });
    const corrupt = await runCli(['projects', 'list'], { env });
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain('is not valid JSON');
  });
});
