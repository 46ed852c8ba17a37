// Checks a parsed platform.yaml or team file against its JSON Schema (files.ts) with the one
// schema checker every Paved package uses; each problem comes back as (path, message) with
// what is allowed spelled out, and the loader turns the path into file:line:column.

import { schemaChecker, type SchemaChecker } from '@paved/frame/schema';
import type { SchemaIssue, SchemaPath } from '@paved/frame';
import { QUANTITY_FORMAT, platformSchema, teamSchema } from './files.js';
import { parseQuantity } from './quantity.js';

export type { SchemaIssue, SchemaPath };

const formats = { [QUANTITY_FORMAT]: (text: string) => parseQuantity(text) !== undefined };

// Compiled on first use, once per process.
const checkers = { platform: schemaChecker(platformSchema, formats), team: schemaChecker(teamSchema, formats) } satisfies Record<string, SchemaChecker>;

export function validatePlatform(document: unknown): SchemaIssue[] {
  return checkers.platform.check(document);
}

export function validateTeam(document: unknown): SchemaIssue[] {
  return checkers.team.check(document);
}
