// Library API of @paved/platform. Pulumi parts live under ./pulumi and
// ./policy and are not re-exported here, so importing the model stays light.

export type { Config, PlatformConfig, TeamConfig, EnvironmentConfig, ServiceConfig, Quota, QuotaKey } from './config/types.js';
export { loadConfig, parseConfig, formatIssue, type ConfigIssue, type LoadResult, type SourceFile } from './config/load.js';
export { buildModel, allObjects, unitObjects, objectKey, stacks, type ClusterUnit, type DesiredState, type TeamEnvironmentUnit } from './model/model.js';
export { GUARDRAIL_KINDS, GUARDRAIL_POLICY, PLATFORM_ONLY_KINDS, teamRules, type ClusterObject, type K8sObject, type TenantObject } from './model/objects.js';
export { LABELS, ANNOTATIONS, namespaceName, projectName, applicationName } from './model/names.js';
export { shardOf, stackName } from './model/stacks.js';
export { GUARDRAILS, checkGuardrails, formatViolation, type Guardrail, type Violation, type LooseObject } from './guardrails.js';
export { validateSchemas, type SchemaError } from './schemas.js';
export { renderFiles, writeRender, toYaml, RenderError } from './render.js';
export { run } from './cli.js';
