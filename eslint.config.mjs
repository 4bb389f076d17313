import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that do I/O or touch the editor: `src/core` gets these through injected interfaces. */
const ioModules = [
  'vscode',
  'child_process',
  'net',
  'fs',
  'fs/promises',
  'dgram',
  'dns',
  'http',
  'https',
  'http2',
  'tls',
  'os',
  'readline',
  'worker_threads',
  'cluster',
  'timers',
  'timers/promises',
  'process',
  'ssh2',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.tools/', '.vscode-test/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: 'readonly', module: 'readonly', process: 'readonly', console: 'readonly', Buffer: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', __dirname: 'readonly', URL: 'readonly', performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/vscode/**', 'src/extension.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/vscode and src/extension.ts import vscode.' }] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.flatMap((name) => [
          { name, message: 'src/core is pure: take I/O through an injected interface.' },
          ...(name === 'vscode' || name === 'ssh2' ? [] : [{ name: `node:${name}`, message: 'src/core is pure: take I/O through an injected interface.' }]),
        ]),
        patterns: [{ group: ['**/node/**', '**/vscode/**', '**/cli/**', '**/extension'], message: 'src/core must not depend on the adapter layers.' }],
      }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Use an injected scheduler in src/core.' },
        { name: 'setInterval', message: 'Use an injected scheduler in src/core.' },
        { name: 'process', message: 'src/core takes environment through parameters.' },
        { name: 'require', message: 'src/core uses static imports of pure modules only.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Use the injected Clock in src/core.' },
        { object: 'performance', property: 'now', message: 'Use the injected Clock in src/core.' },
      ],
    },
  },
  {
    files: ['src/vscode/**/*.ts', 'src/extension.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**'], message: 'The extension does not depend on the CLI front.' }] }],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs', 'bench/**/*.ts', 'esbuild.mjs'],
    rules: { 'no-console': 'off' },
  },
);
