/**
 * What we ship, measured: `npm run package` (esbuild.mjs --production, then
 * vsce) run as it is, in a private copy of the working tree, so the shared
 * `dist/` and the repository's .vsix are left alone. The copy's `esbuild` is a
 * thin wrapper around the real one that adds `metafile: true` (which changes
 * no output byte) and saves each metafile, so the biggest inputs of each
 * bundle can be listed.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const execFileAsync = promisify(execFile);

/** Top-level entries of the working tree the package build never reads. */
const notCopied = new Set(['node_modules', '.git', '.tools', 'dist', 'out', 'test-results', 'test', 'bench', 'playground', '.vscode-test']);

export interface OutputFile {
  /** Relative to the package root, e.g. `dist/extension.js`. */
  readonly file: string;
  readonly bytes: number;
  /** gzip at zlib's default level (6), as a web server would send it. */
  readonly gzipBytes: number;
}

export interface InputShare {
  /** A package (`ssh2`, `@scope/name`) or a source folder (`src/core/sshConfig`). */
  readonly name: string;
  /** Bytes this input contributes to the minified output (esbuild's `bytesInOutput`). */
  readonly bytes: number;
}

export interface BundleInputs {
  readonly output: string;
  readonly outputBytes: number;
  /** By package or source folder, largest first. */
  readonly groups: readonly InputShare[];
  /** Single input files, largest first (the first 15). */
  readonly files: readonly InputShare[];
}

export interface VsixEntry {
  readonly name: string;
  readonly bytes: number;
}

export interface Vsix {
  readonly file: string;
  /**
   * `npm run package`, or, when that failed only because vsce cannot rewrite
   * the README's relative links (no `repository` in package.json), the same
   * vsce command with a placeholder `--baseContentUrl`: the same files, the
   * README's links pointing elsewhere.
   */
  readonly packagedWith: 'npm run package' | 'vsce with a placeholder base URL';
  readonly bytes: number;
  /** What it holds (uncompressed sizes), largest first. */
  readonly entries: readonly VsixEntry[];
  /** Where it is, for installing it into the VS Code server. */
  readonly path: string;
}

export interface PackageResult {
  readonly version: string;
  /** Every `dist/*.js` the production build wrote. */
  readonly outputs: readonly OutputFile[];
  /** Undefined when vsce failed; the production build may still be there. */
  readonly vsix: Vsix | undefined;
  /** Why `npm run package` failed, when it did (even if a placeholder-URL package was made instead). */
  readonly vsixError?: string;
  readonly inputs: readonly BundleInputs[];
  /** Wall time of `npm run package`. */
  readonly packageMs: number;
  /** The copy of the working tree the package was built in: with its production `dist/`, an extension folder. */
  readonly stageDir: string;
}

function wrapperSource(realEsbuild: string): string {
  return `'use strict';
// Bench-only stand-in for esbuild: the real one, with each build's metafile saved.
const real = require(${JSON.stringify(realEsbuild)});
const fs = require('node:fs');
const path = require('node:path');
let n = 0;
exports.build = async function build(options) {
  const result = await real.build({ ...options, metafile: true });
  const dir = process.env.LIFELINE_BENCH_METAFILES;
  if (dir) {
    n += 1;
    fs.writeFileSync(path.join(dir, n + '.json'), JSON.stringify(result.metafile));
  }
  return result;
};
exports.context = real.context;
exports.transform = real.transform;
exports.formatMessages = real.formatMessages;
exports.analyzeMetafile = real.analyzeMetafile;
exports.version = real.version;
`;
}

/** The private copy: sources and package files, node_modules as symlinks to the real ones except esbuild. */
async function stage(root: string, dir: string): Promise<void> {
  await cp(root, dir, {
    recursive: true,
    filter: (source) => {
      const rel = path.relative(root, source);
      const top = rel.split(path.sep)[0] ?? '';
      return !notCopied.has(top) && !(rel === top && top.endsWith('.vsix'));
    },
  });
  const modules = path.join(dir, 'node_modules');
  await mkdir(modules, { recursive: true });
  for (const name of await readdir(path.join(root, 'node_modules'))) {
    if (name !== 'esbuild') {
      await symlink(path.join(root, 'node_modules', name), path.join(modules, name));
    }
  }
  await mkdir(path.join(modules, 'esbuild'));
  await writeFile(path.join(modules, 'esbuild', 'package.json'), `${JSON.stringify({ name: 'esbuild', main: 'index.js' })}\n`);
  await writeFile(path.join(modules, 'esbuild', 'index.js'), wrapperSource(path.join(root, 'node_modules', 'esbuild')));
}

/** An input as esbuild names it, from `node_modules/` on (the copy's modules are symlinks, so esbuild names their real place). */
function inputName(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  return at === -1 ? input : input.slice(at);
}

/** `node_modules/ssh2/lib/x.js` → `ssh2`; `src/core/sshConfig/keywordData/client.ts` → `src/core/sshConfig`. */
function groupOf(name: string): string {
  const parts = name.split('/');
  if (parts[0] === 'node_modules') {
    const first = parts[1] ?? name;
    return first.startsWith('@') ? `${first}/${parts[2] ?? ''}` : first;
  }
  return parts.length > 1 ? parts.slice(0, Math.min(3, parts.length - 1)).join('/') : name;
}

interface Metafile {
  readonly outputs: Readonly<Record<string, { readonly bytes: number; readonly inputs: Readonly<Record<string, { readonly bytesInOutput: number }>> }>>;
}

function inputsOf(meta: Metafile): BundleInputs[] {
  return Object.entries(meta.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, out]) => {
      const groups = new Map<string, number>();
      const files: InputShare[] = [];
      for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
        const name = inputName(input);
        groups.set(groupOf(name), (groups.get(groupOf(name)) ?? 0) + bytesInOutput);
        files.push({ name, bytes: bytesInOutput });
      }
      const bySize = (a: InputShare, b: InputShare): number => b.bytes - a.bytes;
      return {
        output: file,
        outputBytes: out.bytes,
        groups: [...groups].map(([name, bytes]) => ({ name, bytes })).sort(bySize),
        files: files.sort(bySize).slice(0, 15),
      };
    });
}

async function vsixEntries(vsix: string): Promise<VsixEntry[]> {
  const { stdout } = await execFileAsync('unzip', ['-l', vsix]);
  const entries: VsixEntry[] = [];
  for (const line of stdout.split('\n')) {
    // "   374297  2026-11-21 12:53   extension/dist/cli.js"
    const m = /^\s*(\d+)\s+\S+\s+\S+\s+(\S.*)$/.exec(line);
    if (m !== null) {
      entries.push({ name: m[2] as string, bytes: Number(m[1]) });
    }
  }
  return entries.sort((a, b) => b.bytes - a.bytes);
}

/** Runs `npm run package` in a copy of `root` below `dir`. */
export async function buildPackage(root: string, dir: string): Promise<PackageResult> {
  const stageDir = path.join(dir, 'package');
  const metaDir = path.join(dir, 'metafiles');
  await mkdir(metaDir, { recursive: true });
  await stage(root, stageDir);
  const manifest = JSON.parse(await readFile(path.join(stageDir, 'package.json'), 'utf8')) as { name: string; version: string };
  const started = performance.now();
  let vsixError: string | undefined;
  try {
    await execFileAsync('npm', ['run', 'package'], {
      cwd: stageDir,
      env: { ...process.env, LIFELINE_BENCH_METAFILES: metaDir },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 180_000,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const said = `${e.stdout ?? ''}\n${e.stderr ?? ''}`
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^npm warn|^>/.test(l))
      .slice(-5)
      .join(' / ');
    vsixError = `npm run package failed: ${said || e.message}`;
  }
  const packageMs = performance.now() - started;
  const dist = path.join(stageDir, 'dist');
  const outputs: OutputFile[] = [];
  const built = await readdir(dist).catch(() => []);
  if (built.length === 0) {
    throw new Error(`the production build wrote nothing (${vsixError ?? 'no error from npm run package'})`);
  }
  for (const name of built.filter((n) => n.endsWith('.js')).sort()) {
    const bytes = await readFile(path.join(dist, name));
    outputs.push({ file: `dist/${name}`, bytes: bytes.length, gzipBytes: gzipSync(bytes).length });
  }
  const vsixFile = `${manifest.name}-${manifest.version}.vsix`;
  const vsixPath = path.join(stageDir, vsixFile);
  const inputs: BundleInputs[] = [];
  for (const name of (await readdir(metaDir)).sort()) {
    inputs.push(...inputsOf(JSON.parse(await readFile(path.join(metaDir, name), 'utf8')) as Metafile));
  }
  let packagedWith: Vsix['packagedWith'] | undefined = vsixError === undefined ? 'npm run package' : undefined;
  if (vsixError !== undefined && /relative|baseContentUrl|will be broken/i.test(vsixError)) {
    // The production build is done; only the README's links stopped vsce. Package the same files with links to nowhere.
    const placeholder = 'https://placeholder.invalid/';
    const vsce = path.join(stageDir, 'node_modules', '.bin', 'vsce');
    const args = ['package', '--no-dependencies', '--allow-missing-repository', '--baseContentUrl', placeholder, '--baseImagesUrl', placeholder, '--out', vsixFile];
    packagedWith = await execFileAsync(vsce, args, { cwd: stageDir, maxBuffer: 16 * 1024 * 1024, timeout: 180_000 }).then(
      () => 'vsce with a placeholder base URL' as const,
      () => undefined,
    );
  }
  const vsix: Vsix | undefined =
    packagedWith === undefined ? undefined : { file: vsixFile, packagedWith, bytes: (await stat(vsixPath)).size, entries: await vsixEntries(vsixPath), path: vsixPath };
  return { version: manifest.version, outputs, vsix, ...(vsixError === undefined ? {} : { vsixError }), inputs, packageMs, stageDir };
}
