import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { Heartbeat } from './node/heartbeat/heartbeat';
import { SshdValidator } from './node/sshdValidate';
import { ConfigCodeActions } from './vscode/codeActions';
import { CommandIds } from './vscode/commandIds';
import { registerConfigCommands } from './vscode/configCommands';
import { configDocumentSelector, ConfigLinter } from './vscode/configLinter';
import { ConfigDiagnostics } from './vscode/diagnostics';
import { EffectiveLens } from './vscode/effectiveLens';
import { KeywordHover } from './vscode/hover';
import { LocalOpenssh } from './vscode/localOpenssh';
import { createLog } from './vscode/log';
import { Settings } from './vscode/settings';
import { HeartbeatStatus } from './vscode/heartbeatStatus';
import { registerReattachCommands } from './vscode/reattachCommands';
import { Reattacher } from './vscode/reattacher';
import { registerSessionCommands } from './vscode/sessionCommands';
import { SessionHealth } from './vscode/sessionHealth';
import { SessionsView } from './vscode/sessionsView';
import { SshdValidation } from './vscode/sshdValidation';
import { TerminalTracker } from './vscode/terminalTracker';

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  context.subscriptions.push(log);
  try {
    context.subscriptions.push(vscode.commands.registerCommand(CommandIds.showLog, () => log.show(true)));

    // Config doctor: diagnostics, quick-fixes, hovers and their commands.
    const settings = new Settings(log);
    const linter = new ConfigLinter(settings, new LocalOpenssh(context.extensionPath, log));
    const diagnostics = new ConfigDiagnostics(linter, log, settings.onDidChange);
    const codeActions = new ConfigCodeActions(linter);
    context.subscriptions.push(
      settings,
      diagnostics,
      vscode.languages.registerCodeActionsProvider(configDocumentSelector, codeActions, ConfigCodeActions.metadata),
      vscode.languages.registerHoverProvider(configDocumentSelector, new KeywordHover(linter)),
      ...registerConfigCommands({ extensionUri: context.extensionUri, log, codeActions, diagnostics }),
    );

    // What OpenSSH itself says (ssh -G, sshd -t): trusted workspaces only; each checks the trust itself.
    const sshd = new SshdValidator();
    context.subscriptions.push(
      sshd,
      new SshdValidation({ trust: vscode.workspace, settings, log, checker: sshd }),
      ...EffectiveLens.register({ trust: vscode.workspace, settings, log, cwd: context.extensionPath }),
    );

    // Sessions and their heartbeat: the tracker scans only while a terminal is open, the heartbeat runs only while an SSH session is.
    const home = homedir();
    const tracker = new TerminalTracker({
      log,
      trust: vscode.workspace,
      cwd: context.extensionPath,
      scanIntervalSeconds: settings.heartbeat().scanIntervalMs / 1000,
      sshProgram: () => settings.programPaths().ssh,
    });
    const heartbeat = new Heartbeat({ log: (line) => log.info(line) });
    const health = new SessionHealth({ tracker, heartbeat, settings, log, trust: vscode.workspace, env: process.env, home });
    const sessionsView = new SessionsView(health);
    context.subscriptions.push(
      tracker,
      { dispose: () => heartbeat.dispose() },
      health,
      sessionsView,
      vscode.window.registerTreeDataProvider('sshLifeline.sessions', sessionsView),
      new HeartbeatStatus(health),
      settings.onDidChange(() => tracker.setScanIntervalSeconds(settings.heartbeat().scanIntervalMs / 1000)),
      ...registerSessionCommands({
        health,
        heartbeat,
        terminalOf: (id) => tracker.terminalOf(id),
        home,
        log,
        sshConfigFile: () => settings.programPaths().sshConfigFile,
      }),
    );

    // Reconnect and reattach: after a wake, when a host comes back, when an ssh dies, or on command.
    const reattacher = new Reattacher({ tracker, health, heartbeat, settings, log });
    context.subscriptions.push(reattacher, ...registerReattachCommands({ reattacher, tracker, health, home, log, addKeepalive: () => settings.reattach().addKeepalive, programPaths: () => settings.programPaths() }));

    log.info(`[activate] SSH Lifeline ${String(context.extension.packageJSON.version)} (${context.extensionMode === vscode.ExtensionMode.Production ? 'production' : 'development'}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'})`);
  } catch (err) {
    log.error('[activate] failed', err);
    void vscode.window.showErrorMessage(`SSH Lifeline failed to start: ${err instanceof Error ? err.message : String(err)}`, 'Show Log').then((pick) => {
      if (pick !== undefined) {
        log.show();
      }
    });
    throw err;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
