import type { Translate } from '../i18n/translate';
import { describeError, isNotFound } from '../http/errors';
import { html, type Html, type ViewContext } from './html';

/**
 * One part of a look-up page, fetched on its own: a part the operator's roles do not allow is
 * left out, a part the service has nothing for shows "none", and a failing part shows its error
 * without taking the rest of the page down.
 */
export interface Part<T> {
  title: string;
  id: string;
  allowed: boolean;
  load: () => Promise<T | undefined>;
  show: (value: T) => Html;
}

export const part = <T>(p: Part<T>): Part<unknown> => p as Part<unknown>;

const failure = (t: Translate, error: unknown): Html => {
  const view = describeError(t, error);
  return html`<p class="error" role="alert">${view.message} ${view.details.join(' · ')}</p>`;
};

export const renderParts = async (v: ViewContext, parts: readonly Part<unknown>[]): Promise<Html> => {
  const shown = parts.filter((p) => p.allowed);
  const results = await Promise.allSettled(shown.map((p) => p.load()));
  return html`${shown.map((p, i) => {
    const result = results[i] as PromiseSettledResult<unknown>;
    const body =
      result.status === 'rejected'
        ? isNotFound(result.reason)
          ? html`<p class="muted">${v.t('common.none')}</p>`
          : failure(v.t, result.reason)
        : result.value === undefined
          ? html`<p class="muted">${v.t('common.none')}</p>`
          : p.show(result.value);
    return html`<section class="panel" aria-labelledby="${p.id}-h" data-part="${p.id}"><h2 id="${p.id}-h">${p.title}</h2>${body}</section>`;
  })}`;
};
