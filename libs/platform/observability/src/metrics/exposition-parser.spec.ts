import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition, samplesOf, sampleValue } from './exposition-parser';

const TEXT = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
metric_without_timestamp_and_labels 12.47
something_weird{problem="division by zero"} +Inf -3982045
# HELP rpc_seconds Latency.\\nSecond line.
# TYPE rpc_seconds histogram
rpc_seconds_bucket{le="0.1",method="a"} 1
rpc_seconds_bucket{le="+Inf",method="a"} 2
rpc_seconds_sum{method="a"} 0.35
rpc_seconds_count{method="a"} 2
rpc_seconds_bucket{le="0.1",method="b"} 0
rpc_seconds_bucket{le="+Inf",method="b"} 1
rpc_seconds_sum{method="b"} 3
rpc_seconds_count{method="b"} 1
not_a_number Nan
`;

describe('parseExposition', () => {
  const families = parseExposition(TEXT);

  it('reads counters, escapes, timestamps and special values', () => {
    expect(families.get('http_requests_total')).toMatchObject({ type: 'counter', help: 'The total number of HTTP requests.' });
    expect(samplesOf(families, 'http_requests_total', { code: '400' })).toEqual([
      { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 },
    ]);
    expect(samplesOf(families, 'msdos_file_access_time_seconds')[0]?.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(sampleValue(families, 'something_weird')).toBe(Infinity);
    expect(sampleValue(families, 'not_a_number')).toBeNaN();
    expect(families.get('metric_without_timestamp_and_labels')).toMatchObject({ type: 'untyped', samples: [{ value: 12.47 }] });
  });

  it('keeps every label set of a histogram apart', () => {
    expect(families.get('rpc_seconds')).toMatchObject({ type: 'histogram', help: 'Latency.\nSecond line.' });
    expect(sampleValue(families, 'rpc_seconds_count', { method: 'a' })).toBe(2);
    expect(sampleValue(families, 'rpc_seconds_count', { method: 'b' })).toBe(1);
    expect(sampleValue(families, 'rpc_seconds_bucket', { method: 'b', le: '0.1' })).toBe(0);
    expect(sampleValue(families, 'rpc_seconds_sum', { method: 'b' })).toBe(3);
    expect(families.has('rpc_seconds_bucket')).toBe(false);
  });

  it.each([
    ['a sample without a value', 'up{job="x"}\n', /line 1: expected/],
    ['an unterminated label value', 'up{job="x} 1\n', /unterminated/],
    ['a label given twice', 'up{a="1",a="2"} 1\n', /given twice/],
    ['a value that is not a number', 'up 1O\n', /not a number/],
    ['a TYPE after the samples', 'up 1\n# TYPE up gauge\n', /line 2: TYPE of up after/],
    ['an unknown type', '# TYPE up meter\n', /unknown type/],
    ['a bucket without le', '# TYPE h histogram\nh_bucket{a="1"} 1\n', /without le/],
    ['a family split in two', 'a 1\nb 1\na 2\n', /line 3: samples of a are not together/],
  ])('refuses %s, naming the line', (_case, text, message) => {
    expect(() => parseExposition(text)).toThrow(ExpositionError);
    expect(() => parseExposition(text)).toThrow(message);
  });
});
