/**
 * Publishing a generated service to GitHub. This module only loads Octokit when a publish
 * actually runs (see client.ts), so importing it from the CLI entry costs nothing.
 */
export { runPublishCommand, PUBLISH_HELP, type CommandIo } from './command.js';
export { publishService, STEPS } from './publish.js';
export { formatReport } from './report.js';
export type { ClientTuning, PublishOptions, PublishReport, StepId, StepReport, StepStatus, Visibility } from './types.js';
