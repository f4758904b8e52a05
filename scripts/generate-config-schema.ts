/** Writes openapi/gantry-config.schema.json from CONFIG_SCHEMA (src/core/config-as-code/config-schema.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_SCHEMA, CONFIG_SCHEMA_PATH } from '../src/core/config-as-code/config-schema';

fs.writeFileSync(path.join(__dirname, '..', CONFIG_SCHEMA_PATH), `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
