export { findScenario, scenarios } from './registry.js';
export type {
  LabListener,
  RunningScenario,
  Scenario,
  ScenarioStartOptions,
  SymptomRequest,
} from './types.js';
