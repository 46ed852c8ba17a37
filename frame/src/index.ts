/**
 * Paved's command frame, one for create-service, paved, @paved/pipelines and @paved/platform:
 * the process's streams as one value, strict flag parsing with "did you mean", one error
 * format (what was wrong, then how to fix it), one exit-code table, errors as JSON under
 * --json, and --help laid out the same way everywhere.
 */
export { EXIT, PavedError, UsageError, combineUsageErrors } from './errors.js';
export { processIo, type Io } from './io.js';
export { reportError } from './report.js';
export { parseFlags, closest, unknownCommand, type FlagOptions } from './flags.js';
export { helpText, type HelpText } from './help.js';
export { schemaIssues, formatSchemaPath, describeValue, PATTERN_MESSAGE, type SchemaError, type SchemaIssue, type SchemaPath } from './schema-issues.js';
