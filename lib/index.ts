/**
 * Package entry (`import { PolarisOrchestrator } from 'polaris-orchestrator'`): the construct, its settings
 * (props, validation, errors) and the contracts' types a platform team's code needs. The OpenAPI document is
 * exported as `polaris-orchestrator/openapi.json`.
 */
export { PolarisOrchestrator, TURN_BUDGET_MS, type PolarisOrchestratorProps } from './polaris-orchestrator.js';
export { OrchestratorStack } from './orchestrator-stack.js';
export {
  ConfigError,
  LOG_RETENTION_DAYS,
  SETTINGS,
  VALID_KEYS,
  loadConfig,
  resolveConfig,
  type EnvName,
  type OrchestratorConfig,
  type OrchestratorSettings,
  type OrchestratorSettingsInput,
} from './config.js';
export { TURN_METRICS, METRICS_NAMESPACE } from '../functions/orchestrate/observability.js';
export type * from '../functions/contracts/agent.js';
export type * from '../functions/contracts/api.js';
