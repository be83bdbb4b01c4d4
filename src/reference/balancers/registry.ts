// Every algorithm the ELB model names, in one literal table: a new
// `lb_algorithm` value fails to compile until it has an entry here.
import type { z } from 'zod';
import type { LbAlgorithm } from '../../model/inventory.js';
import { createLeastConnections } from './least-connections.js';
import { createRoundRobin } from './round-robin.js';
import { createSourceIp } from './source-ip.js';
import type { BalancerFactory } from './types.js';

export type AlgorithmName = z.infer<typeof LbAlgorithm>;

export const balancers: Readonly<Record<AlgorithmName, BalancerFactory>> = {
  ROUND_ROBIN: createRoundRobin,
  LEAST_CONNECTIONS: createLeastConnections,
  SOURCE_IP: createSourceIp,
};
