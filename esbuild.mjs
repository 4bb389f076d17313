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
/**
 * ssh2 is built once, on its own, into `dist/ssh2.js`, and both bundles load it
 * from there (`require('./ssh2.js')`). The only code that imports it, the
 * probe, is itself imported on first use, so activating the extension or
 * running `ssh-lifeline lint` never loads the 300 KB of SSH protocol code.
 */
const ssh2Apart = {
  name: 'ssh2-apart',
  setup(b) {
    b.onResolve({ filter: /^ssh2$/ }, () => ({ path: './ssh2.js', external: true }));
  },
};

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
      plugins: [ssh2Apart],
    }),
    esbuild.build({
      ...sharedOptions,
      entryPoints: ['node_modules/ssh2/lib/index.js'],
      outfile: 'dist/ssh2.js',
    }),
    esbuild.build({
      ...sharedOptions,
      entryPoints: ['src/cli/main.ts'],
      outfile: 'dist/cli.js',
      plugins: [ssh2Apart],
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
