// Lint rules. Workflow files run in Temporal's deterministic sandbox, so they may not
// import Node builtins or any module that does I/O (STYLE.md L2).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'onnxruntime-node',
  'execa',
  'pg',
  'pgvector',
  '@electric-sql/*',
  'node:*',
  'fs',
  'path',
  'child_process',
  'os',
  'crypto',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.venv/',
      '.data/',
      '.cache/',
      '.scratch/',
      'models/training/',
      'coverage/',
      'test-artifacts/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ioModules.map((group) => ({
            group: [group],
            message: 'Workflows are deterministic: do I/O in activities.',
          })),
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
