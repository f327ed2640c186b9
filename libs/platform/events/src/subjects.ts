/**
 * NATS subject rules the in-memory bus must share with JetStream (wildcard matching,
 * overlapping stream subjects), and the namespace both buses put in front of stream
 * names and subjects so parallel test suites never see each other's messages.
 */

/** True when `subject` (literal) is matched by `pattern` (may hold `*` and a final `>`). */
export const subjectMatches = (pattern: string, subject: string): boolean => {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
};

/** True when some subject could match both patterns (JetStream refuses such streams). */
export const subjectsOverlap = (a: string, b: string): boolean => {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const left = x[i];
    const right = y[i];
    if (left === '>' || right === '>') return left !== undefined && right !== undefined;
    if (left === undefined || right === undefined) return false;
    if (left !== '*' && right !== '*' && left !== right) return false;
  }
  return true;
};

const NAMESPACE = /^[A-Za-z0-9_-]+$/;

/** Maps logical names (`GOVERN_CONTENT`, `govern.content.>`) to the names on the server. */
export interface Namespacing {
  stream(name: string): string;
  subject(subject: string): string;
  /** The logical subject of a delivered message. */
  unprefix(subject: string): string;
  /** The logical name of a server stream. */
  unstream(name: string): string;
}

export const namespacing = (namespace: string | undefined): Namespacing => {
  if (!namespace) return { stream: (name) => name, subject: (subject) => subject, unprefix: (subject) => subject, unstream: (name) => name };
  if (!NAMESPACE.test(namespace)) throw new Error(`event bus namespace must match ${NAMESPACE}: ${namespace}`);
  const prefix = `${namespace}.`;
  return {
    stream: (name) => `${namespace}_${name}`,
    subject: (subject) => `${prefix}${subject}`,
    unprefix: (subject) => (subject.startsWith(prefix) ? subject.slice(prefix.length) : subject),
    unstream: (name) => (name.startsWith(`${namespace}_`) ? name.slice(namespace.length + 1) : name),
  };
};
