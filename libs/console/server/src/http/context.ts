import type { Context } from 'hono';
import type { Logger } from '@govern/platform-core';
import type { Permissions } from '../auth/permissions';
import type { Session } from '../auth/session';
import type { OperatorApi } from '../grpc/platform-api';
import type { Locale } from '../i18n/locale';
import type { Translate } from '../i18n/translate';
import type { Assets } from '../views/assets';

/** What every request carries once the console's middleware has run. */
export interface ConsoleVariables {
  log: Logger;
  locale: Locale;
  t: Translate;
  timeZone: string;
  /** The hashed stylesheet and script URLs every page links. */
  assets: Assets;
  /** The signed-in operator; undefined on the sign-in pages only (everything else requires one). */
  session: Session | undefined;
  can: Permissions;
  /** The services, as this operator: every call carries the operator's token. */
  api: OperatorApi;
}

export type ConsoleEnv = { Variables: ConsoleVariables };
export type ConsoleContext = Context<ConsoleEnv>;

/** The signed-in operator of a request behind the sign-in guard. */
export const operatorOf = (c: ConsoleContext): Session => {
  const session = c.get('session');
  if (!session) throw new Error('no operator on a route behind the sign-in guard');
  return session;
};

/** A query parameter, trimmed and bounded (ids and filters are short). */
export const queryParam = (c: ConsoleContext, name: string, max = 128): string => (c.req.query(name) ?? '').trim().slice(0, max);
