/**
 * Label values come from code paths that outside input can reach (an event type on a poison
 * message, a reason code, a job kind), and every new value is a new time series held in
 * memory forever and in Prometheus for its retention. So each label keeps at most `limit`
 * distinct values; later ones are recorded as `other` (and reported once), values are cut to
 * 100 characters, and an empty value reads `none`.
 */
export const OTHER_LABEL_VALUE = 'other';
export const EMPTY_LABEL_VALUE = 'none';
const MAX_LABEL_LENGTH = 100;

export type LabelBound = (metric: string, label: string, value: string) => string;

export const createLabelBound = (limit: number, onOverflow: (metric: string, label: string) => void = () => undefined): LabelBound => {
  const seen = new Map<string, Set<string>>();
  return (metric, label, raw) => {
    const value = raw === '' ? EMPTY_LABEL_VALUE : raw.length > MAX_LABEL_LENGTH ? raw.slice(0, MAX_LABEL_LENGTH) : raw;
    const key = `${metric}\u0000${label}`;
    let values = seen.get(key);
    if (!values) seen.set(key, (values = new Set()));
    if (values.has(value)) return value;
    if (values.size >= limit) {
      if (!values.has(OTHER_LABEL_VALUE)) {
        values.add(OTHER_LABEL_VALUE);
        onOverflow(metric, label);
      }
      return OTHER_LABEL_VALUE;
    }
    values.add(value);
    return value;
  };
};
