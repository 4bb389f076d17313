/** Every command id the extension registers; package.json contributes the same ids. */
export const CommandIds = {
  showLog: 'sshLifeline.showLog',
} as const;
