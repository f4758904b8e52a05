/**
 * `gantry login|logout|profiles`: the profile file (profile-store.ts). `login` checks the token
 * against `GET /api/v1/me` before storing it, so a typo is caught now and not in the next CI run.
 */
import { readFileSync } from 'node:fs';
import { call, createApi } from '../api';
import { flag, optionalString, positionals } from '../args';
import { CliConfigError, CliUsageError } from '../cli-errors';
import type { CliCommand } from '../command';
import { EXIT } from '../exit-codes';
import { DEFAULT_PROFILE, readProfiles, writeProfiles } from '../profile-store';

const login: CliCommand = {
  path: ['login'],
  summary: 'Check a token against Gantry and store it in a profile (0600)',
  usage: [
    '--url <url> (--token <token> | --with-token) [--profile <name>]   (GANTRY_URL / GANTRY_TOKEN are used when not given)',
    'Example: echo "$TOKEN" | gantry login --url https://gantry.example.com --with-token --profile prod',
  ].join('\n'),
  options: { 'with-token': { type: 'boolean' } },
  async run(ctx, args) {
    positionals(args);
    const url = optionalString(args, 'url') ?? ctx.config.env.GANTRY_URL;
    if (!url) throw new CliUsageError('--url is required');
    // A token on the command line lands in shell history and `ps`; --with-token reads it from stdin.
    const token = flag(args, 'with-token')
      ? readFileSync(0, 'utf8').trim()
      : (optionalString(args, 'token') ?? ctx.config.env.GANTRY_TOKEN);
    if (!token) throw new CliUsageError('--token or --with-token (the token on stdin) is required');
    const me = await call(createApi(url, token).GET('/api/v1/me'));

    const name = optionalString(args, 'profile') ?? DEFAULT_PROFILE;
    const { profiles, exposed } = readProfiles(ctx.config.profileFile);
    profiles.profiles[name] = { url, token };
    profiles.current = name;
    writeProfiles(ctx.config.profileFile, profiles);

    ctx.out.result({ profile: name, url, file: ctx.config.profileFile, me }, () => {
      ctx.out.line(
        `Logged in to ${url} as ${me.name} (${me.kind}); profile '${name}' saved in ${ctx.config.profileFile}`,
      );
    });
    if (exposed) ctx.out.note(`note: ${ctx.config.profileFile} was readable by others; it is now 0600`);
    return EXIT.ok;
  },
};

const logout: CliCommand = {
  path: ['logout'],
  summary: 'Remove a profile (default: the current one) from the profile file',
  usage: '[--profile <name>]',
  options: {},
  run(ctx, args) {
    positionals(args);
    const { profiles } = readProfiles(ctx.config.profileFile);
    const name =
      optionalString(args, 'profile') ?? ctx.config.env.GANTRY_PROFILE ?? profiles.current ?? DEFAULT_PROFILE;
    if (!profiles.profiles[name]) throw new CliConfigError(`no profile '${name}' in ${ctx.config.profileFile}`);
    delete profiles.profiles[name];
    if (profiles.current === name) delete profiles.current;
    writeProfiles(ctx.config.profileFile, profiles);
    ctx.out.result({ removed: name }, () => ctx.out.line(`Removed profile '${name}'`));
    return Promise.resolve(EXIT.ok);
  },
};

const list: CliCommand = {
  path: ['profiles'],
  summary: 'List the stored profiles (never their tokens)',
  usage: '',
  options: {},
  run(ctx, args) {
    positionals(args);
    const { profiles, exposed } = readProfiles(ctx.config.profileFile);
    const rows = Object.entries(profiles.profiles).map(([name, p]) => ({
      name,
      url: p.url,
      current: name === profiles.current,
    }));
    ctx.out.result({ file: ctx.config.profileFile, current: profiles.current ?? null, profiles: rows }, () => {
      ctx.out.table(rows, [
        { header: ' ', value: (r) => (r.current ? '*' : ' ') },
        { header: 'profile', value: (r) => r.name },
        { header: 'url', value: (r) => r.url },
      ]);
    });
    if (exposed)
      ctx.out.note(
        `warning: ${ctx.config.profileFile} is readable by others: run \`chmod 600 ${ctx.config.profileFile}\``,
      );
    return Promise.resolve(EXIT.ok);
  },
};

export const profileCommands: CliCommand[] = [login, logout, list];
