import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_SCHEMA, CONFIG_SCHEMA_PATH } from './config-schema';

describe('the published config-as-code schema', () => {
  it('is CONFIG_SCHEMA (run `node -r ts-node/register/transpile-only scripts/generate-config-schema.ts` after changing it)', () => {
    const published = fs.readFileSync(path.join(__dirname, '..', '..', '..', CONFIG_SCHEMA_PATH), 'utf8');
    expect(JSON.parse(published)).toEqual(JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
  });
});
