import { createRequire } from 'node:module';

// package.json is the one source of the version; read it once, synchronously and cheaply.
const require = createRequire(import.meta.url);
export const VERSION: string = (require('../package.json') as { version: string }).version;
