/** Why a decision was taken: a stable code, a message and the evidence behind it. */
export interface Reason {
  code: string;
  message: string;
  evidence: Readonly<Record<string, string>>;
  /** Contribution to a score when the decision is scored; 0 otherwise. */
  weight: number;
}

/** The versioned policy document a decision was taken under. */
export interface PolicyRef {
  name: string;
  version: string;
}

export const reason = (code: string, message: string, evidence: Record<string, string> = {}, weight = 0): Reason => ({
  code,
  message,
  evidence,
  weight,
});

/**
 * A ladder of thresholds: the highest rung whose `atLeast` the value reaches, or undefined.
 * Used for violation points, creator credit and score bands, so every ladder reads the same.
 */
export interface Rung<T> {
  atLeast: number;
  outcome: T;
}

export const climbLadder = <T>(rungs: readonly Rung<T>[], value: number): Rung<T> | undefined => {
  let reached: Rung<T> | undefined;
  for (const rung of rungs) {
    if (value >= rung.atLeast && (reached === undefined || rung.atLeast >= reached.atLeast)) reached = rung;
  }
  return reached;
};
