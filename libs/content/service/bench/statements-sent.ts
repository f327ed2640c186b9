import pg from 'pg';

let sent = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  sent++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

/** Statements sent so far by every pg client of this process (the service's pool included), counted from this module's import. */
export const statementsSent = (): number => sent;
