// Worker-thread entry for pglite-prepare.ts. Plain JS because tsx's hooks are registered per thread.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-prepare.job.ts');
