/** Regenerates lib/api/openapi.d.ts (see api-types.ts). Run: npm run api-types -w shell. */
import { writeFileSync } from 'node:fs';
import { API_TYPES_FILE, renderApiTypes } from './api-types';

const { source, paths } = await renderApiTypes();
writeFileSync(API_TYPES_FILE, source);
console.log(`wrote ${API_TYPES_FILE} (${paths} paths)`);
