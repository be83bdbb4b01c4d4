// Faulty backends for tests, stopped automatically when the test finishes.
// Call these inside a test (onTestFinished needs one); in beforeAll use the
// start* functions from src/lab/backends and close them in afterAll.
import { onTestFinished } from 'vitest';
import {
  type HttpBackend,
  type HttpBackendOptions,
  startHttpBackend,
  startTcpBackend,
  startUdpBackend,
  type TcpBackend,
  type TcpBackendOptions,
  type UdpBackend,
  type UdpBackendOptions,
} from '../../src/lab/backends/index.js';

export * from '../../src/lab/backends/index.js';

export async function httpBackend(options: HttpBackendOptions = {}): Promise<HttpBackend> {
  const backend = await startHttpBackend(options);
  onTestFinished(() => backend.close());
  return backend;
}

export async function tcpBackend(options: TcpBackendOptions = {}): Promise<TcpBackend> {
  const backend = await startTcpBackend(options);
  onTestFinished(() => backend.close());
  return backend;
}

export async function udpBackend(options: UdpBackendOptions = {}): Promise<UdpBackend> {
  const backend = await startUdpBackend(options);
  onTestFinished(() => backend.close());
  return backend;
}

/** Anything with close(): registered for cleanup and returned (servers a test builds itself). */
export function cleanup<T extends { close(): unknown }>(thing: T): T {
  onTestFinished(async () => {
    await thing.close();
  });
  return thing;
}
