// Real TLS servers on loopback serving the fixture set (src/lab/tls-fixtures.ts):
// `openssl s_server`, which can be made to speak only TLS 1.0 or one cipher
// suite, and an inventory that points lbdoctor at one as an HTTPS listener.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { freeTcpPort } from '../../src/lab/scenarios/free-port.js';
import type { TlsFixture } from '../../src/lab/tls-fixtures.js';

/**
 * Starts `openssl s_server -www` with a fixture (and extra flags); stopped when
 * the test ends, or by whatever `registerStop` does with the stop function.
 * A port taken between picking it and binding it (tests run in parallel) is
 * tried again with another, up to three times.
 */
export async function startOpenSslServer(
  fixture: TlsFixture,
  extra: readonly string[] = [],
  registerStop: (stop: () => void) => void = onTestFinished,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freeTcpPort();
    const child = spawnServer(fixture, port, extra);
    registerStop(() => {
      child.kill();
    });
    try {
      await accepting(child);
      return port;
    } catch (err) {
      if (!/in use/i.test((err as Error).message) || attempt >= 3) throw err;
    }
  }
}

function spawnServer(fixture: TlsFixture, port: number, extra: readonly string[]): ChildProcess {
  const args = [
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    '-cert',
    fixture.leafPath,
    '-key',
    fixture.keyPath,
    ...(fixture.chainPath ? ['-cert_chain', fixture.chainPath] : []),
    '-www',
    ...extra,
  ];
  return spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves when s_server prints ACCEPT; rejects with its output when it exits first. */
function accepting(child: ChildProcess): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`openssl s_server did not start: ${output}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('ACCEPT')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`openssl s_server exited (${code}): ${output}`));
    });
  });
}

/** An inventory whose one HTTPS listener is the server on 127.0.0.1:port. */
export async function httpsInventory(
  dir: string,
  port: number,
  fixture: TlsFixture,
  listener: Record<string, unknown> = {},
): Promise<string> {
  const file = join(dir, `inventory-${port}.yaml`);
  await writeFile(
    file,
    stringify({
      loadbalancer: { name: 'real-server', type: 'dedicated', vip_address: '127.0.0.1' },
      listeners: [
        {
          name: 'https',
          protocol: 'HTTPS',
          protocol_port: port,
          default_pool_id: 'web-pool',
          default_tls_container_ref: 'server-cert',
          ...listener,
        },
      ],
      pools: [{ id: 'web-pool', protocol: 'HTTP', members: [] }],
      certificates: [{ id: 'server-cert', certificate: fixture.certPath, private_key: fixture.keyPath }],
    }),
  );
  return file;
}
