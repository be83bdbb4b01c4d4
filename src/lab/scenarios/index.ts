export { findScenario, scenarios } from './registry.js';
export type {
  LabHostInfo,
  LabListener,
  RunningScenario,
  Scenario,
  ScenarioStartOptions,
  SymptomRequest,
} from './types.js';
