// Writes strict JSON schemas for the Argo CD kinds Paved emits (Application, AppProject,
// ApplicationSet) in kubeconform's {{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json
// layout. @kubernetes-models/argo-cd is generated from Argo CD's Go API types but ships only
// TypeScript declarations and compiled validators that accept unknown fields, so we derive
// JSON schemas from its declarations with additionalProperties: false (unknown field = error,
// as `kubectl apply --validate=strict` would say). Usage: node argo-cd-schemas.mjs TARGET_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

const KINDS = ['Application', 'AppProject', 'ApplicationSet'];
const GROUP = 'argoproj.io';
const VERSION = 'v1alpha1';

const target = process.argv[2];
if (!target) {
  console.error('usage: node argo-cd-schemas.mjs TARGET_DIR');
  process.exit(2);
}

// The version @paved/platform depends on, resolved as the platform package resolves it.
const require = createRequire(new URL('../../platform/package.json', import.meta.url));
const packageDir = dirname(require.resolve('@kubernetes-models/argo-cd/package.json'));
mkdirSync(join(target, GROUP), { recursive: true });

try {
  for (const kind of KINDS) writeSchema(kind);
} catch (error) {
  // The generator's errors carry whole TypeScript ASTs; the message is what helps.
  console.error(`argo-cd-schemas: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.cause instanceof Error) console.error(`  cause: ${error.cause.message}`);
  process.exit(1);
}

function writeSchema(kind) {
  const path = join(packageDir, GROUP, VERSION, `${kind}.d.ts`);
  const schema = createGenerator({
    path,
    tsconfig: join(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), 'argo-cd-schemas.tsconfig.json'),
    type: `I${kind}`,
    skipTypeCheck: true,
    additionalProperties: false,
    expose: 'export',
    topRef: false,
    jsDoc: 'basic',
  }).createSchema(`I${kind}`);
  writeFileSync(join(target, GROUP, `${kind.toLowerCase()}_${VERSION}.json`), JSON.stringify(schema));
}
