// commander, loaded with require(): it is a CommonJS package, and importing it
// as ESM makes Node scan its source for named exports on every start. Measured
// with bench/startup: about 5 ms of a ~45 ms overhead over bare `node -e 0`.
import { createRequire } from 'node:module';

const commander = createRequire(import.meta.url)('commander') as typeof import('commander');

export const { Command, CommanderError, Help, Option } = commander;
