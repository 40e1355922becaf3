/** Writes `contracts/campaign-config.schema.json` (JSON Schema of the campaign config, for editors). */
import { writeFileSync } from 'node:fs';
import { campaignConfigJsonSchema } from '../contracts/campaign-config.js';

writeFileSync(
  new URL('../contracts/campaign-config.schema.json', import.meta.url),
  JSON.stringify(campaignConfigJsonSchema(), null, 2) + '\n',
);
