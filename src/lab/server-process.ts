// A third-party server (nginx, Apache) run in the foreground for the lab: its
// stderr kept for the error message, a wait until each of its ports accepts,
// and one stop (a graceful signal, then SIGKILL after 3 s) however often it is
// called.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { LbdError } from '../errors.js';

export interface ServerProcessOptions {
  /** Its name in messages: "nginx did not start listening on …". */
  name: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  /** The signal that stops it gracefully (nginx: SIGQUIT). */
  stopSignal: NodeJS.Signals;
  waitFor: readonly { host: string; port: number }[];
  /** Rewrites the argv (to run it in a network namespace). */
  wrap?: (argv: string[]) => string[];
  timeoutMs?: number;
}

export interface ServerProcess {
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts the server and returns once every `waitFor` port accepts; throws with its stderr if it does not. */
export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  const [cmd, ...args] = o.wrap ? o.wrap(o.argv) : o.argv;
  const child: ChildProcess = spawn(cmd!, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(o.env ? { env: o.env } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(o.stopSignal);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    })();
    return stopping;
  };
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  for (const { host, port } of o.waitFor) {
    while (!(await accepts(host, port))) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        await stop();
        throw new LbdError(
          'LBD_ERR_INTERNAL',
          `${o.name} did not start listening on ${host}:${port}: ${stderr.trim() || 'no output'}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { pid: child.pid, stop };
}

/** Whether host:port accepts a TCP connection now (a server has started listening). */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
  });
}
