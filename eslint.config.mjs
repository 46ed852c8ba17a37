// Lints the repository's own code — TypeScript and the Node scripts beside it — but not the
// templates, generated output or dependencies. `npm run lint`; `npm test` runs it first and
// fails on any finding.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'templates/**', 'cli/templates/**', 'testkit/kube/**', 'testkit/pulumi*/**', '**/*.d.ts', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // `_name` marks a binding kept for its position or to drop a field from a rest spread
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
