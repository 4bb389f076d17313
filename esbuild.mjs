// One build for everything that ships: the extension and the CLI.
// `node esbuild.mjs` for development (sourcemaps), `--production` to minify for packaging.
import { chmod } from 'node:fs/promises';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

/**
 * ssh2 loads two optional native modules inside try/catch and falls back to pure
 * JavaScript when they are missing: `cpu-features` and its own
 * `lib/protocol/crypto/build/Release/sshcrypto.node`. Marking both external keeps
 * the bundle free of machine-specific binaries; at run time the require fails
 * and ssh2 takes its JavaScript path.
 */
export const sharedOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode', 'cpu-features', '*.node'],
  // jsonc-parser's `main` is a UMD build whose `require('./impl/format')` calls
  // esbuild cannot follow; its ES module build bundles whole.
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
};

export async function build() {
  await Promise.all([
    esbuild.build({
      ...sharedOptions,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/extension.js',
    }),
    esbuild.build({
      ...sharedOptions,
      entryPoints: ['src/cli/main.ts'],
      outfile: 'dist/cli.js',
      banner: { js: '#!/usr/bin/env node' },
    }).then(() => chmod('dist/cli.js', 0o755)),
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
