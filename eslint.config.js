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

/** Import globs of every folder of ours except `keep` and contracts/. */
const ourFoldersBut = (keep) =>
  ['activities', 'dft', 'campaign', 'lab', 'db', 'models', 'cli', 'workflows']
    .filter((f) => f !== keep)
    .map((f) => `**/${f}/*`);

/** Imports that point uphill from anything below the workflows. */
const upwardImports = [
  {
    group: ['**/workflows/*', '**/workflows'],
    message: 'Only workflows/ and cli/ import workflows/: move shared types to contracts/.',
  },
  { group: ['**/cli/*'], message: 'Only cli/ imports cli/.' },
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
    // Workflows import only contracts/, @temporalio/workflow, each other, and activity *types*.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ioModules.map((group) => ({
              group: [group],
              message: 'Workflows are deterministic: do I/O in activities.',
            })),
            {
              group: ['../*', '!../contracts', '../contracts/*/**'],
              allowTypeImports: true,
              message:
                'Workflows import values only from contracts/ (activities and the rest as `import type`).',
            },
          ],
        },
      ],
    },
  },
  {
    // Arrows point downhill: the rooms below the activities (dft, campaign, lab, db, models,
    // crystal, contracts) import none of workflows/, activities/ or cli/; shared types live in contracts/.
    files: [
      'dft/**/*.ts',
      'campaign/**/*.ts',
      'lab/**/*.ts',
      'db/**/*.ts',
      'models/**/*.ts',
      'crystal/**/*.ts',
      'contracts/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...upwardImports,
            {
              group: ['**/activities/*', '**/activities'],
              message:
                'Only workflows (as types), cli/ and activities/ import activities/: activities sit on top of the rooms.',
            },
          ],
        },
      ],
    },
  },
  {
    // Activities are thin over the rooms: they never import workflows/ or cli/.
    files: ['activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: upwardImports,
        },
      ],
    },
  },
  {
    // The crystal core stands alone: nothing of ours below it.
    files: ['crystal/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...ourFoldersBut('crystal'), '**/contracts/*'],
              message: 'crystal/ imports nothing of ours outside crystal/.',
            },
          ],
        },
      ],
    },
  },
  {
    // contracts/ is pure: types, constants and schemas that every layer may share.
    files: ['contracts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...ioModules.map((group) => ({ group: [group], message: 'contracts/ does no I/O.' })),
            {
              group: ourFoldersBut('crystal'),
              message: 'contracts/ imports only crystal/ and libraries.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
