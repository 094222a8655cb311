// One lint+format toolchain: ESLint with typescript-eslint (type-aware rules) and
// @stylistic (formatting). Layering follows DESIGN.md: imports point inward only.
import tseslint from 'typescript-eslint';
import stylistic from '@stylistic/eslint-plugin';

const outer = ['**/controller/**', '**/agent/**', '**/cli/**', '**/web/**'];
const layer = (zone, forbidden) => ({
  files: [`src/${zone}/**/*.ts`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ group: forbidden, message: `src/${zone} may not import this layer (DESIGN.md: imports point inward)` }],
    }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.tmp/**', 'cluster/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@stylistic': stylistic },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'use `as const` objects + derived unions, not enum' }],
      'max-lines': ['error', { max: 600, skipBlankLines: true, skipComments: true }],
      '@stylistic/indent': ['error', 2, { SwitchCase: 1 }],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/eol-last': 'error',
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/object-curly-spacing': ['error', 'always'],
    },
  },
  { files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'], rules: { 'max-lines': 'off' } },
  layer('core', ['**/sched/**', '**/api/**', '**/lib/**', ...outer, 'node:*']),
  layer('sched', ['**/api/**', '**/lib/**', ...outer, 'node:*']),
  layer('api', ['**/sched/**', '**/lib/**', ...outer]),
  layer('lib', ['**/core/**', '**/sched/**', '**/api/**', ...outer]),
  layer('agent', ['**/controller/**', '**/cli/**', '**/web/**', '**/sched/**']),
  layer('cli', ['**/controller/**', '**/agent/**', '**/web/**', '**/sched/**']),
  layer('web', ['**/agent/**', '**/cli/**']),
);
