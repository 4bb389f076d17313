/** Every command id the extension registers; package.json contributes the same ids. */
export const CommandIds = {
  showLog: 'sshLifeline.showLog',
  /** Applies every preferred fix in the active ssh_config / sshd_config editor. */
  fixAllProblems: 'sshLifeline.fixAllProblems',
  /** Internal: opens `docs/rules/<code>.md` (the target of a diagnostic's code link). Argument: the finding code. */
  showRuleDoc: 'sshLifeline.showRuleDoc',
  /** Internal: the chmod quick-fix. Arguments: the document Uri and the new mode. */
  applyFileMode: 'sshLifeline.applyFileMode',
} as const;
