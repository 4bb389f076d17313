/** Every command id the extension registers; package.json contributes the same ids. */
export const CommandIds = {
  showLog: 'sshLifeline.showLog',
  /** Applies every preferred fix in the active ssh_config / sshd_config editor. */
  fixAllProblems: 'sshLifeline.fixAllProblems',
  /** Internal: opens `docs/rules/<code>.md` (the target of a diagnostic's code link). Argument: the finding code. */
  showRuleDoc: 'sshLifeline.showRuleDoc',
  /** Internal: the chmod quick-fix. Arguments: the document Uri and the new mode. */
  applyFileMode: 'sshLifeline.applyFileMode',
  /** Internal: the effective-values CodeLens; opens the full `ssh -G` output. Arguments: the config file's Uri and the host name. */
  showEffectiveConfig: 'sshLifeline.showEffectiveConfig',
  /** The status bar's click: a quick pick of SSH sessions and actions. */
  showSessions: 'sshLifeline.showSessions',
  /** Opens the user's ssh config: `sshLifeline.ssh.configFile`, else ~/.ssh/config. */
  openSshConfig: 'sshLifeline.openSshConfig',
  /** Internal (sessions view): probe a host again now, e.g. after fixing known_hosts. Argument: the host key. */
  retryHost: 'sshLifeline.retryHost',
  /** Internal (sessions view): shows a session's terminal. Argument: the session id. */
  revealSessionTerminal: 'sshLifeline.revealSessionTerminal',
  /** Reconnect the active terminal's SSH session (or a picked one) and reattach its tmux/screen session. */
  reconnect: 'sshLifeline.reconnect',
  /** Pick a host and a tmux session; opens a terminal running `ssh -t HOST tmux new-session -A -s NAME`. Optional argument `{ host, session, configFile }`. */
  openPersistentTerminal: 'sshLifeline.openPersistentTerminal',
  /** End the local ssh of picked sessions (stale ones preselected); remote tmux/screen sessions are not touched. */
  killStaleSession: 'sshLifeline.killStaleSession',
  /** Internal, for tests: behave as after a sleep of N seconds. Not in the palette. */
  simulateWake: 'sshLifeline.simulateWake',
} as const;
