// `lbdoctor reference serve`: the reference load balancer in the foreground.
// Logs (listening addresses, health changes) go to stderr; SIGTERM/SIGINT stop
// it gracefully — listeners stop accepting, in-flight requests finish (FAQ 5.2:
// a deleted L7 listener lets established requests complete).
import { UsageError } from '../errors.js';
import { loadInventory } from '../model/load-inventory.js';
import { startReference } from './server.js';
import type { ReferenceLogger } from './types.js';

export interface ServeFlags {
  config: string;
  adminPort?: string;
  accessLog?: string;
  bind?: string;
}

function stderrLogger(): ReferenceLogger {
  const line = (level: string, message: string, fields?: Readonly<Record<string, unknown>>) => {
    const extra = Object.entries(fields ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}${extra ? ` ${extra}` : ''}\n`);
  };
  return { info: (m, f) => line('info', m, f), warn: (m, f) => line('warn', m, f) };
}

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--admin-port ${v} is not a port number`, 'use 0 to 65535');
  return n;
}

/** Runs until a signal; resolves with the exit code. */
export async function serveReference(flags: ServeFlags): Promise<number> {
  const adminPort = parsePort(flags.adminPort);
  const inventory = await loadInventory(flags.config);
  const logger = stderrLogger();
  const handle = await startReference(inventory, {
    logger,
    ...(adminPort === undefined ? {} : { adminPort }),
    ...(flags.accessLog ? { accessLog: flags.accessLog } : {}),
    ...(flags.bind ? { bindAddress: flags.bind } : {}),
  });
  logger.info(
    `reference load balancer ready: ${handle.listeners.length} listener(s), admin ${handle.admin.url}`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal: stop now without waiting for requests.
        logger.warn(`${signal} again: closing without draining`);
        void handle.close({ drain: false }).then(resolve);
        return;
      }
      stopping = true;
      logger.info(`${signal}: draining in-flight requests, then stopping`);
      void handle.close({ drain: true }).then(() => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  logger.info('stopped');
  return 0;
}
