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
} as const;
