import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real sockets, child processes and lab namespaces: generous, but every test still stops by itself.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores here; lab tests build namespaces and sshds, keep the parallelism modest.
    // src/lab/scenarios/free-port.ts gives each of these workers its own slice of test ports.
    poolOptions: { forks: { maxForks: 4, minForks: 1 } },
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
