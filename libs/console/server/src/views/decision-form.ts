import { HTTPException } from 'hono/http-exception';
import type { Session } from '../auth/session';
import { formGuards, html, type Html, type ViewContext } from './html';

export interface Choice {
  value: number;
  text: string;
  /** The key that picks it (shown, and handled by the client script). */
  key: string;
}

const NOTE_MAX = 2000;

/**
 * A decision: radio buttons with a key each, a note, a submit button. Keys only choose; Ctrl+Enter
 * (or the button) submits, so one stray key press never decides a case.
 */
export const decisionForm = (v: ViewContext, session: Session, action: string, name: string, choices: readonly Choice[], extra: Html = html``): Html => html`
  <form method="post" action="${action}" class="stack panel" data-decision-form>
    ${formGuards(session)}
    <fieldset>
      <legend>${v.t('common.decision')}</legend>
      ${choices.map(
        (choice) => html`<label
          ><input type="radio" name="${name}" value="${String(choice.value)}" data-key="${choice.key}" required />
          ${choice.text} <kbd>${choice.key}</kbd></label
        >`,
      )}
    </fieldset>
    ${extra}
    <label for="${name}-note">${v.t('common.note')}</label>
    <textarea id="${name}-note" name="note" maxlength="${String(NOTE_MAX)}" aria-describedby="${name}-note-hint"></textarea>
    <small id="${name}-note-hint" class="muted">${v.t('common.noteHint')}</small>
    <p><button type="submit">${v.t('common.submit')}</button> <small class="muted">${v.t('common.shortcuts', { keys: `${choices.map((c) => c.key).join(' / ')}, Ctrl+Enter` })}</small></p>
  </form>`;

/** The chosen value, which must be one offered; anything else is a bad request. */
export const parseChoice = <T extends number>(body: Record<string, unknown>, name: string, allowed: readonly T[]): T => {
  const value = Number(body[name]);
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new HTTPException(400, { message: `${name}: choose one of the offered decisions` });
  return found;
};

export const noteOf = (body: Record<string, unknown>): string => String(body['note'] ?? '').trim().slice(0, NOTE_MAX);
