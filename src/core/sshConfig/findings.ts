import type { Range } from './tokenizer';

/**
 * Every finding code. The codes are part of the interface: settings
 * (`sshLifeline.lint.rules`), docs pages (`docs/rules/<code>.md`), SARIF rule
 * ids and JSON output all use them.
 */
export const findingCodes = [
  // both sides
  'syntax',
  'bom',
  'unknown-keyword',
  'invalid-value',
  'duplicate-keyword',
  'tcpkeepalive-off-no-alive',
  'deprecated-keyword',
  // client files
  'server-only-keyword',
  'keepalive-missing',
  'keepalive-budget',
  'ipqos-deprecated',
  'shadowed-setting',
  'host-never-matches',
  'include-missing',
  'include-cycle',
  'bad-permissions',
  'connecttimeout-missing',
  // server files
  'client-only-keyword',
  'not-allowed-in-match',
  'clientalive-missing',
  'clientalive-countmax-zero',
] as const;

export type FindingCode = (typeof findingCodes)[number];

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A user's choice per rule: a severity, or `off`. */
export type SeverityOverride = Severity | 'off';

/** Replace `range` with `newText` (an insertion when the range is empty). */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** A repair for a finding. */
export type Fix =
  | {
      readonly kind: 'edit';
      readonly title: string;
      /** The fix a user most likely wants; `--fix` and "Fix all" apply only these. */
      readonly preferred: boolean;
      /** Non-overlapping edits against the text that was linted. */
      readonly edits: readonly TextEdit[];
    }
  | {
      readonly kind: 'chmod';
      readonly title: string;
      readonly preferred: boolean;
      /** New permission bits for the file (e.g. 0o600). */
      readonly mode: number;
    };

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** What OpenSSH will do, and why; plain text. */
  readonly message: string;
  readonly range: Range;
  readonly fixes: readonly Fix[];
}

export function isFindingCode(value: string): value is FindingCode {
  return (findingCodes as readonly string[]).includes(value);
}
