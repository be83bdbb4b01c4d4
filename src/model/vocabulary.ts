// The closed sets of lbdoctor's vocabulary, written once as zod enums. The
// playbook schema, the report schema, the engine and the probes take their
// types and value lists from here, so adding a value is one edit that the
// compiler then carries everywhere.
import { z } from 'zod';

/** A check's outcome (DESIGN.md). "Could not check" is `error`, never `fail`. */
export const Outcome = z.enum(['pass', 'fail', 'error', 'skip']);
export type Outcome = z.infer<typeof Outcome>;

export const Severity = z.enum(['error', 'warn', 'info']);
export type Severity = z.infer<typeof Severity>;

/** What a step can fan out over: one walk per item of the inventory. */
export const FanOut = z.enum(['loadbalancers', 'listeners', 'pools', 'members', 'hosts']);
export type FanOut = z.infer<typeof FanOut>;

/**
 * Where a probe runs: the operator's machine, the walk's member (over SSH), the
 * walk's host (under `foreach: hosts`), or the inventory's client host.
 */
export const VantageName = z.enum(['local', 'member', 'host', 'client']);
export type VantageName = z.infer<typeof VantageName>;

/** What a finding, check or fact concerns. */
export const SubjectKind = z.enum(['member', 'listener', 'pool', 'host', 'loadbalancer', 'target']);
export type SubjectKind = z.infer<typeof SubjectKind>;

/** How widely an answer to a console question holds: once per run, or per member/listener/pool/load balancer. */
export const FactScope = z.enum(['run', 'loadbalancer', 'listener', 'pool', 'member']);
export type FactScope = z.infer<typeof FactScope>;

export const StepKind = z.enum(['probe', 'ask', 'checklist', 'decide', 'conclude']);
export type StepKind = z.infer<typeof StepKind>;

/** The fan-out level that binds each subject kind (the walk's scope key). */
export const FAN_OUT_BINDS: Readonly<Record<FanOut, 'lb' | 'listener' | 'pool' | 'member' | 'host'>> = {
  loadbalancers: 'lb',
  listeners: 'listener',
  pools: 'pool',
  members: 'member',
  hosts: 'host',
};
