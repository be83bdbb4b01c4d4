// Moved to src/transport/dialers/local.ts. This re-export remains only for
// src/cli/probe-run.ts (not part of the transport change); delete it once that
// file imports '../transport/dialers/local.js'.
export { localDialer } from '../../transport/dialers/local.js';
