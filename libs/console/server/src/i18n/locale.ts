/** The console speaks Chinese (its users and the source document are Chinese) and English. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/** Formats instants for people: the locale's conventions, in the console's time zone, to the minute. */
export const formatTime = (locale: Locale, timeZone: string, value: Date | undefined): string =>
  value
    ? new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(value)
    : '—';

/** Money is integer fen on the wire; people read yuan. */
export const formatFen = (locale: Locale, fen: bigint | number): string =>
  new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 }).format(Number(fen) / 100);

export const formatNumber = (locale: Locale, value: number, fractionDigits = 0): string =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits, minimumFractionDigits: fractionDigits }).format(value);

export const formatShare = (locale: Locale, value: number): string => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(value);
