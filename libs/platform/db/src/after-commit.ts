/**
 * Actions to take once a transaction has committed, registered from code deep inside the work
 * that does not own the transaction (the decision log counting a decision for the metrics): a
 * rolled-back or retried attempt must not count. The transaction runners (`runInTransaction`,
 * `runTransaction`) track their transactions here; the actions of an attempt that does not
 * commit are dropped with it.
 */
const actionsOf = new WeakMap<object, (() => void)[]>();

/**
 * Runs `action` after `tx` commits; false (and nothing registered) when `tx` is not a transaction
 * a platform runner owns, so the caller can decide what to do instead.
 */
export const afterCommit = (tx: object, action: () => void): boolean => {
  const actions = actionsOf.get(tx);
  if (!actions) return false;
  actions.push(action);
  return true;
};

/**
 * Makes `view` name the same transaction as `of` (when `of` is one a runner tracks): actions
 * registered on the view run after that transaction commits, or are dropped with it.
 */
export const sameTransaction = (view: object, of: object): void => {
  const actions = actionsOf.get(of);
  if (actions) actionsOf.set(view, actions);
};

/** For the runners: `keys` name one attempt's transaction; returns what to run after its commit. */
export const trackTransaction = (keys: readonly object[]): { committed(): void; dropped(): void } => {
  const actions: (() => void)[] = [];
  for (const key of keys) actionsOf.set(key, actions);
  const forget = (): void => {
    for (const key of keys) actionsOf.delete(key);
  };
  return {
    committed() {
      forget();
      // An action is bookkeeping after the fact: one that throws must not fail a committed transaction.
      for (const action of actions.splice(0)) {
        try {
          action();
        } catch {
          // ignored on purpose (see above)
        }
      }
    },
    dropped() {
      forget();
      actions.length = 0;
    },
  };
};
