import { stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { effectiveLensTitle, effectiveLensTooltip, effectiveValuesGate, parseSshG, summarizeEffective, type GateRefusal } from '../core/sshConfig/effective';
import { buildModel, headerRange, sampleHost } from '../core/sshConfig/model';
import { untrustedRefusal } from '../core/trust/pathSettings';
import { ownSshConfig, runSshG, sshGCommandLine, type OwnSshConfig, type SshGRequest, type SshGResult } from '../node/sshEffective';
import { CommandIds } from './commandIds';
import { toRange } from './convert';
import type { Settings } from './settings';
import { refuseUntrusted } from './workspaceGuard';

/** `vscode.workspace` satisfies this; tests pass their own. */
export interface WorkspaceTrust {
  readonly isTrusted: boolean;
  readonly onDidGrantWorkspaceTrust: vscode.Event<void>;
}

export interface EffectiveValuesDeps {
  readonly trust: WorkspaceTrust;
  readonly settings: Pick<Settings, 'programChecks' | 'lint' | 'onDidChange' | 'programPaths'>;
  readonly log: vscode.LogOutputChannel;
  /** Where ssh runs: the extension's own folder (see RunSshGOptions.cwd). */
  readonly cwd: string;
  readonly home?: string;
  readonly runSshG?: (request: SshGRequest, signal: AbortSignal) => Promise<SshGResult>;
  readonly ownSshConfig?: (file: string) => Promise<OwnSshConfig | undefined>;
}

/** The read-only documents with a host's full `ssh -G` output. */
export const effectiveScheme = 'ssh-lifeline-effective';

const sshGTimeoutMs = 5_000;
/** ssh -G runs at once at most; a long file resolves its visible lenses a few at a time. */
const maxParallel = 4;
const maxCached = 500;

/** A lens over one `Host` line; only our provider makes these. */
class HostLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly file: vscode.Uri,
    /** The name asked about, or undefined when the patterns admit none. */
    readonly host: string | undefined,
    readonly request: SshGRequest | undefined,
    /** The buffer has unsaved changes: ssh -G would read something else. */
    readonly dirty: boolean,
    /** The saved file's mtime and size, the cache key; undefined when it cannot be read. */
    readonly stamp: string | undefined,
  ) {
    super(range);
  }
}

interface Cached {
  readonly result: SshGResult;
  readonly at: Date;
}

/**
 * Effective values per `Host` block from `ssh -G`, as a CodeLens above each
 * Host line, and the full output as a read-only document when the lens is
 * clicked.
 *
 * Runs only when {@link effectiveValuesGate} allows it: a trusted workspace,
 * the setting on, and the document one of the user's own ssh config files
 * (`ssh -G` runs `Match exec` commands). It reads the file as saved, never the
 * buffer: with unsaved changes the lens says "save to refresh". Results are
 * cached per file mtime and size (cleared when any ssh_config is saved, since
 * a saved include changes what the main file gives); a run is cancelled when
 * the document changes (VS Code cancels the resolve) and killed after 5 s.
 */
export class EffectiveLens implements vscode.CodeLensProvider<HostLens>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly contentChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.contentChanged];
  private readonly cache = new Map<string, Cached>();
  private readonly home: string;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** Refusals already logged, per document, so the log says why once. */
  private readonly refusalsLogged = new Map<string, GateRefusal | undefined>();

  readonly onDidChangeCodeLenses = this.changed.event;
  readonly onDidChange = this.contentChanged.event;

  constructor(private readonly deps: EffectiveValuesDeps) {
    this.home = deps.home ?? os.homedir();
    deps.trust.onDidGrantWorkspaceTrust(this.refresh, this, this.disposables);
    deps.settings.onDidChange(this.refresh, this, this.disposables);
    vscode.workspace.onDidSaveTextDocument(this.saved, this, this.disposables);
  }

  /** Registers the lens, the document scheme and the click command. */
  static register(deps: EffectiveValuesDeps): vscode.Disposable[] {
    const lens = new EffectiveLens(deps);
    return [
      lens,
      vscode.languages.registerCodeLensProvider({ language: 'ssh_config', scheme: 'file' }, lens),
      vscode.workspace.registerTextDocumentContentProvider(effectiveScheme, lens),
      vscode.commands.registerCommand(CommandIds.showEffectiveConfig, (file?: unknown, host?: unknown) => lens.show(file, host)),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<HostLens[]> {
    const own = await this.allowed(document.uri, document.languageId);
    if (own === undefined || token.isCancellationRequested) {
      return [];
    }
    const stamp = await fileStamp(document.uri.fsPath);
    const lenses: HostLens[] = [];
    for (const block of buildModel(document.getText(), 'client').blocks) {
      if (block.kind !== 'host' || block.header.keyword === undefined) {
        continue;
      }
      const host = sampleHost(block.patterns);
      const request = host === undefined ? undefined : { host, configFile: own.configFile };
      lenses.push(new HostLens(toRange(headerRange(block.header)), document.uri, host, request, document.isDirty, stamp));
    }
    return lenses;
  }

  async resolveCodeLens(lens: HostLens, token: vscode.CancellationToken): Promise<HostLens> {
    lens.command = await this.commandFor(lens, token);
    return lens;
  }

  private async commandFor(lens: HostLens, token: vscode.CancellationToken): Promise<vscode.Command> {
    const label = (title: string, tooltip?: string): vscode.Command => ({ title, command: '', ...(tooltip === undefined ? {} : { tooltip }) });
    if (lens.request === undefined) {
      return label('no host name matches these patterns, so ssh -G has nothing to show');
    }
    const key = cacheKey(lens.request, lens.stamp);
    if (lens.dirty) {
      const cached = key === undefined ? undefined : this.cache.get(key);
      const save = 'save to refresh (ssh -G reads the file as saved)';
      if (cached?.result.kind === 'ok') {
        const summary = summarizeEffective(parseSshG(cached.result.stdout));
        return label(`${effectiveLensTitle(summary)} · as saved: ${save}`, effectiveLensTooltip(summary, sshGCommandLine(lens.request)));
      }
      return label(`effective values: ${save}`);
    }
    // Trust cannot be withdrawn without a reload, but the lens was made earlier: check again before running anything.
    if (!this.deps.trust.isTrusted) {
      return label('effective values need a trusted workspace');
    }
    const result = await this.evaluate(lens.request, key, token);
    return this.describe(lens.file, lens.request, result);
  }

  private describe(file: vscode.Uri, request: SshGRequest, result: SshGResult): vscode.Command {
    const commandLine = sshGCommandLine(request);
    switch (result.kind) {
      case 'ok': {
        const summary = summarizeEffective(parseSshG(result.stdout));
        return {
          title: effectiveLensTitle(summary),
          tooltip: effectiveLensTooltip(summary, commandLine),
          command: CommandIds.showEffectiveConfig,
          arguments: [file, request.host],
        };
      }
      case 'failed':
        return { title: `ssh -G refused it: ${truncate(result.message, 160)}`, tooltip: `${commandLine} failed:\n${result.message}`, command: '' };
      case 'timeout':
        return { title: `ssh -G took over ${result.timeoutMs / 1000} s (a slow Match exec command?) and was stopped`, tooltip: commandLine, command: '' };
      case 'missing': {
        const program = this.deps.settings.programPaths().ssh;
        return {
          title: program === undefined ? 'ssh not found on PATH: install OpenSSH (Debian/Ubuntu: openssh-client) to see effective values' : `${program} (sshLifeline.ssh.path) cannot be run`,
          command: '',
        };
      }
      case 'invalid-host':
        return { title: `"${request.host}" is not a host name ssh accepts on its command line, so ssh -G cannot be asked`, command: '' };
      case 'cancelled':
        return { title: 'ssh -G was cancelled', command: '' };
    }
  }

  /** The full output for the read-only document. Anyone can open a URI of this scheme, so the same gate applies. */
  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const target = parseEffectiveUri(uri);
    if (target === undefined) {
      return '# Not an SSH Lifeline effective-values address.\n';
    }
    const own = await this.allowed(target.file, 'ssh_config');
    if (own === undefined) {
      return `# Effective values are shown only for your own ssh config files, in a trusted workspace, with sshLifeline.lint.effectiveValues on.\n`;
    }
    const request: SshGRequest = { host: target.host, configFile: own.configFile };
    const key = cacheKey(request, await fileStamp(target.file.fsPath));
    const result = await this.evaluate(request, key, token);
    const at = this.cache.get(key ?? '')?.at ?? new Date();
    const header = [`# ${sshGCommandLine(request)}`, `# Every option ssh would use for "${request.host}", from the file as saved (${at.toLocaleString()}). Read-only.`];
    switch (result.kind) {
      case 'ok':
        return `${header.join('\n')}\n${result.stdout}`;
      case 'failed':
        return `${header.join('\n')}\n# ssh -G failed (exit ${String(result.exitCode)}):\n${result.message.replace(/^/gm, '# ')}\n`;
      default:
        return `${header.join('\n')}\n# ${this.describe(target.file, request, result).title}\n`;
    }
  }

  /** The lens's command: opens the read-only document for `host` of `file`. In a workspace that is not trusted it refuses and says so. */
  async show(file: unknown, host: unknown): Promise<vscode.TextEditor | undefined> {
    if (!(file instanceof vscode.Uri) || typeof host !== 'string') {
      return undefined;
    }
    if (!this.deps.trust.isTrusted) {
      refuseUntrusted(this.deps.log, untrustedRefusal.sshG(vscode.workspace.asRelativePath(file)));
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(effectiveUri(file, host));
    const typed = document.languageId === 'ssh_config' ? document : await vscode.languages.setTextDocumentLanguage(document, 'ssh_config');
    return vscode.window.showTextDocument(typed, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  /** The invocation for a document when everything allows ssh -G on it; undefined otherwise (and the reason is logged once). */
  private async allowed(uri: vscode.Uri, languageId: string): Promise<OwnSshConfig | undefined> {
    let own: OwnSshConfig | undefined;
    const checks = this.deps.settings.programChecks();
    const refusal = await effectiveValuesGate({
      trusted: this.deps.trust.isTrusted,
      enabled: checks.effectiveValues && (uri.scheme !== 'file' || this.deps.settings.lint({ uri, languageId }).enabled),
      scheme: uri.scheme,
      languageId,
      isOwnConfig: async () => {
        own = await (this.deps.ownSshConfig ?? ((file: string) => ownSshConfig(file, { home: this.home, env: process.env })))(uri.fsPath);
        return own !== undefined;
      },
    });
    const key = uri.toString();
    if (!this.refusalsLogged.has(key) || this.refusalsLogged.get(key) !== refusal) {
      this.refusalsLogged.set(key, refusal);
      this.deps.log.debug(`[effective] ${uri.scheme === 'file' ? uri.fsPath : key}: ${refusal === undefined ? `ssh -G allowed (${own?.configFile === undefined ? 'default config files' : '-F'})` : `no ssh -G (${refusal})`}`);
    }
    return refusal === undefined ? own : undefined;
  }

  private async evaluate(request: SshGRequest, key: string | undefined, token: vscode.CancellationToken): Promise<SshGResult> {
    const cached = key === undefined ? undefined : this.cache.get(key);
    if (cached !== undefined) {
      return cached.result;
    }
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      await this.slot();
      try {
        const program = this.deps.settings.programPaths().ssh;
        const run =
          this.deps.runSshG ?? ((r: SshGRequest, signal: AbortSignal) => runSshG(r, { cwd: this.deps.cwd, timeoutMs: sshGTimeoutMs, signal, ...(program === undefined ? {} : { program }) }));
        const result = controller.signal.aborted ? ({ kind: 'cancelled' } as const) : await run(request, controller.signal);
        this.deps.log.trace(`[effective] ${sshGCommandLine(request)}: ${result.kind}${result.kind === 'ok' ? ` in ${result.ms} ms` : ''}`);
        if (result.kind !== 'ok' && result.kind !== 'cancelled') {
          this.deps.log.info(`[effective] ${sshGCommandLine(request)}: ${result.kind}${result.kind === 'failed' ? ` (${result.message})` : ''}`);
        }
        if (key !== undefined && result.kind !== 'cancelled') {
          if (this.cache.size >= maxCached) {
            this.cache.clear();
          }
          this.cache.set(key, { result, at: new Date() });
        }
        return result;
      } finally {
        this.release();
      }
    } finally {
      subscription.dispose();
    }
  }

  /** Waits for one of {@link maxParallel} slots. A cancelled waiter still takes its turn and gives it back at once. */
  private slot(): Promise<void> {
    if (this.running < maxParallel) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.queue.push(() => {
        this.running++;
        resolve();
      });
    });
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.();
  }

  private saved(document: vscode.TextDocument): void {
    if (document.languageId === 'ssh_config') {
      this.refresh();
    }
  }

  /** Forgets every result and asks VS Code for fresh lenses and documents. */
  private refresh(): void {
    this.cache.clear();
    this.refusalsLogged.clear();
    this.changed.fire();
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === effectiveScheme) {
        this.contentChanged.fire(document.uri);
      }
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}

/** The read-only document's address: the host in the path (the tab shows "ssh -G HOST"), the file in the query. */
export function effectiveUri(file: vscode.Uri, host: string): vscode.Uri {
  return vscode.Uri.from({ scheme: effectiveScheme, path: `/ssh -G ${host}`, query: JSON.stringify({ file: file.toString(), host }) });
}

function parseEffectiveUri(uri: vscode.Uri): { file: vscode.Uri; host: string } | undefined {
  try {
    const parsed = JSON.parse(uri.query) as { file?: unknown; host?: unknown };
    if (typeof parsed.file !== 'string' || typeof parsed.host !== 'string') {
      return undefined;
    }
    return { file: vscode.Uri.parse(parsed.file, true), host: parsed.host };
  } catch {
    return undefined;
  }
}

async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}

function cacheKey(request: SshGRequest, stamp: string | undefined): string | undefined {
  return stamp === undefined ? undefined : JSON.stringify([request.configFile ?? null, request.host, stamp]);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
