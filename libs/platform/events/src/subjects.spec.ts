import { describe, expect, it } from 'vitest';
import { namespacing, subjectMatches, subjectsOverlap } from './subjects';

describe('subjects', () => {
  it('match NATS wildcards as the server does', () => {
    expect(subjectMatches('govern.content.>', 'govern.content.item.penalised')).toBe(true);
    expect(subjectMatches('govern.content.>', 'govern.content')).toBe(false);
    expect(subjectMatches('govern.*.item.penalised', 'govern.content.item.penalised')).toBe(true);
    expect(subjectMatches('govern.*', 'govern.content.item')).toBe(false);
    expect(subjectMatches('govern.content.item.penalised', 'govern.content.item.restored')).toBe(false);
  });

  it('find overlapping stream subjects, which JetStream refuses', () => {
    expect(subjectsOverlap('govern.content.>', 'govern.content.item.*')).toBe(true);
    expect(subjectsOverlap('govern.>', 'govern.dlq.>')).toBe(true);
    expect(subjectsOverlap('govern.content.>', 'govern.dlq.>')).toBe(false);
    expect(subjectsOverlap('govern.content.>', 'govern.content')).toBe(false);
    expect(subjectsOverlap('a.*', 'a.b.c')).toBe(false);
  });

  it('namespace stream names and subjects both ways, and refuse a namespace that would break them', () => {
    const ns = namespacing('t1a2b3c4');
    expect(ns.stream('GOVERN_CONTENT')).toBe('t1a2b3c4_GOVERN_CONTENT');
    expect(ns.unstream('t1a2b3c4_GOVERN_CONTENT')).toBe('GOVERN_CONTENT');
    expect(ns.subject('govern.content.>')).toBe('t1a2b3c4.govern.content.>');
    expect(ns.unprefix('t1a2b3c4.govern.content.item.penalised')).toBe('govern.content.item.penalised');
    expect(namespacing(undefined).subject('govern.x')).toBe('govern.x');
    expect(() => namespacing('a.b')).toThrow(/namespace/);
  });
});
