import type { Locale } from './locale';
import { en } from './messages.en';
import { zh, type MessageKey } from './messages.zh';
import { ENUM_LABELS_ZH, REPORT_FIGURES_ZH } from './labels.zh';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zh, en };

export const translator =
  (locale: Locale): Translate =>
  (key, vars) => {
    const text = CATALOGUES[locale][key];
    return vars ? text.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match)) : text;
  };

/** A ts-proto enum object: names to numbers and back. */
type ProtoEnum = Record<string, string | number>;

/**
 * A person's label for a proto enum value: the Chinese table where it has one, else the value's
 * name without the enum prefix ("REVIEW_CASE_STATUS_OPEN" → "Open").
 */
export const enumLabel = (locale: Locale, enumObject: ProtoEnum, value: number): string => {
  const name = enumObject[value];
  if (typeof name !== 'string') return String(value);
  if (locale === 'zh-CN') {
    const label = ENUM_LABELS_ZH[name];
    if (label) return label;
  }
  const prefix = Object.keys(enumObject)
    .find((key) => key.endsWith('_UNSPECIFIED'))
    ?.slice(0, -'UNSPECIFIED'.length);
  const short = prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
  const words = short.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The report's figure names (`govern report` prints them in English) in the interface language. */
export const reportFigureLabel = (locale: Locale, figure: string): string => (locale === 'zh-CN' ? (REPORT_FIGURES_ZH[figure] ?? figure) : figure);

export const roleLabel = (t: Translate, role: string): string => {
  const key = `role.${role}` as MessageKey;
  return key in zh ? t(key) : role;
};

/** "3 h", "2 d": coarse, for SLA badges. */
export const formatDuration = (t: Translate, ms: number): string => {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 120) return t('duration.minutes', { n: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 72) return t('duration.hours', { n: hours });
  return t('duration.days', { n: Math.round(hours / 24) });
};
