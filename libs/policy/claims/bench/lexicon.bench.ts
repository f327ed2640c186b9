/**
 * Claims lexicon benchmark: the Aho-Corasick scanner against a plain per-term regex scan
 * (one RegExp per lexicon pattern over the same normalised text, same hit resolution), on a
 * deterministic corpus of mixed Chinese/English listing text with occasional, sometimes
 * disguised, claims; then the latency of one 200-character livestream segment.
 *
 *   npx tsx --tsconfig libs/policy/claims/tsconfig.json libs/policy/claims/bench/lexicon.bench.ts [MB] [--json]
 *
 * Prints figures only; nothing here asserts timing. `--json` adds a last line `BENCH_JSON {...}`
 * with the figures, which the benchmark suite (tools/bench, `npm run bench`) reads.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Random, seededRandom } from '@govern/policy-core';
import { type ClaimHit, CLAIMS_LEXICON, compileClaimScanner, type NormalisedText, normaliseForClaims } from '../src/index';
import { compileLexicon, resolveHits } from '../src/claim-scanner';
import { MatchingNormaliser } from '../src/matching-normaliser';
import { LOOK_ALIKES } from '../src/look-alikes';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const TARGET_MB = Number(positional[0] ?? 8);
const JSON_OUTPUT = process.argv.includes('--json');
const SEED = 20261101;
const CLAIM_RATE = 0.04; // share of sentences that carry a planted claim
const SEGMENT_CHARS = 200;
const SEGMENTS = 20_000;

// ---------------------------------------------------------------------------- corpus

const ZH = [
  '这款保温杯采用{n}不锈钢内胆，容量{n}ml，保温{n}小时。',
  '面料为{n}%棉和少量氨纶，亲肤透气，适合春秋季节穿着。',
  '产品尺寸：长{n}cm×宽{n}cm×高{n}cm，净重{n}g。',
  '生产日期见包装，保质期{n}个月，请置于阴凉干燥处保存。',
  '支持7天无理由退货，付款后48小时内发货。',
  '第一次使用前请用温水清洗并晾干。',
  '最近新上架的颜色有雾霾蓝、奶油白和{c}。',
  '如有质量问题，请联系在线客服，我们会在{n}小时内回复。',
  '执行标准：GB/T {n}-2014，合格证见吊牌。',
  '本品为普通食品，请按需食用，儿童需在成人看护下使用。',
  '手柄采用防滑设计，单手即可轻松握持。',
  '配件包括充电线一根、说明书一份和收纳袋一个。',
  '电池容量{n}mAh，充满约需{n}小时，可连续使用{n}天。',
  '鞋底为橡胶材质，耐磨防滑，鞋码偏小建议拍大一码。',
  '茶叶产自云南{c}茶园，采摘于今年春季，口感醇厚回甘。',
  '最大承重{n}kg，最多可放{n}本书，安装简单无需工具。',
  '第一步取出滤芯，第二步冲洗干净，第三步装回即可。',
  '颜色因显示器不同可能存在轻微色差，请以实物为准。',
  '产地：浙江义乌，生产厂家：{c}日用品有限公司。',
  '适用于{n}平米以内的客厅和卧室，噪音低于{n}分贝。',
  '下单备注颜色，默认随机发货，偏远地区不包邮。',
  '宝宝辅食勺采用食品级硅胶，耐高温{n}度。',
  '第一件原价，第二件半价，活动截止到本月底。',
  '直播间的朋友们，今天这款{c}真的很实用，喜欢的可以点点关注。',
  '这个颜色上身很显白，{c}和黑色都有现货。',
  '我们家的锅都是现货，主播自己也在用，大家放心拍。',
];
const EN = [
  'Made of food-grade silicone, BPA free and dishwasher safe.',
  'Package includes 1 x bottle, 1 x lid and 1 x user manual.',
  'Dimensions: {n} x {n} x {n} cm; net weight {n} g.',
  'Please allow 1-2 cm error due to manual measurement.',
  'Ships within 48 hours of payment from our {c} warehouse.',
  'Best before: see the bottom of the can. Store in a cool, dry place.',
  'The {c} version comes with a braided {n} cm charging cable.',
  'Battery capacity {n} mAh, fully charged in about {n} hours.',
  'Machine washable at {n} degrees, do not tumble dry.',
  'Colours may vary slightly between monitors.',
  'Our customer service replies within {n} hours on working days.',
  'Suitable for rooms up to {n} square metres; noise below {n} dB.',
  'Stainless steel blade, {n} speed settings and a pulse mode.',
  'Healthy snacks packed in a secure, recyclable gift box.',
  'Model No. 1 of the {n} range; the refill is item no.{n}.',
  'Hand wash recommended to keep the {c} print bright.',
];
const COLOURS = ['雾霾蓝', '奶油白', '燕麦色', 'navy', 'olive', 'sand', '焦糖色', '薄荷绿'];

const fill = (random: Random, template: string): string =>
  template
    .replace(/\{n\}/g, () => String(1 + Math.floor(random.next() * 900)))
    .replace(/\{c\}/g, () => COLOURS[Math.floor(random.next() * COLOURS.length)] as string);

const TRADITIONAL_OF = new Map<string, string>();
for (const [from, to] of Object.entries(LOOK_ALIKES)) {
  if (/\p{Script=Han}/u.test(from) && !TRADITIONAL_OF.has(to)) TRADITIONAL_OF.set(to, from);
}
const CYRILLIC: Record<string, string> = { a: 'а', e: 'е', o: 'о', c: 'с', p: 'р', x: 'х' };

/** How a seller might write a term to get it past a filter. */
const disguise = (random: Random, term: string): string => {
  const chinese = /\p{Script=Han}/u.test(term);
  const chars = [...term];
  switch (Math.floor(random.next() * 6)) {
    case 0:
      return term;
    case 1:
      return chars.join(random.next() < 0.5 ? ' ' : '.');
    case 2:
      return chars.join('\u200b');
    case 3:
      return chinese
        ? chars.map((c) => TRADITIONAL_OF.get(c) ?? c).join('')
        : chars.map((c) => CYRILLIC[c] ?? c).join('');
    case 4:
      // full width
      return chars.map((c) => (c > ' ' && c < '\x7f' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
    default:
      return chinese ? chars.join('✨') : term.toUpperCase();
  }
};

interface Listing {
  text: string;
  planted: { termId: string; start: number; end: number }[];
}

const buildCorpus = (targetBytes: number): Listing[] => {
  const random = seededRandom(SEED);
  const listings: Listing[] = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const chinese = random.next() < 0.7;
    const sentences = 4 + Math.floor(random.next() * 26);
    let text = '';
    const planted: Listing['planted'] = [];
    for (let s = 0; s < sentences; s++) {
      const zh = chinese ? random.next() < 0.85 : random.next() < 0.15;
      if (random.next() < CLAIM_RATE) {
        const term = CLAIMS_LEXICON.terms[Math.floor(random.next() * CLAIMS_LEXICON.terms.length)];
        if (term === undefined) continue;
        const written = disguise(random, term.term);
        const before = zh ? '这款产品' : 'Our kettle is ';
        const after = zh ? '，欢迎选购。' : ' for daily use. ';
        planted.push({ termId: term.id, start: text.length + before.length, end: text.length + before.length + written.length });
        text += before + written + after;
      } else {
        const pool = zh ? ZH : EN;
        text += fill(random, pool[Math.floor(random.next() * pool.length)] as string) + (zh ? '' : ' ');
      }
    }
    listings.push({ text, planted });
    bytes += Buffer.byteLength(text, 'utf8');
  }
  return listings;
};

// ---------------------------------------------------------------------------- scanners

const scanner = compileClaimScanner(CLAIMS_LEXICON);
const compiled = compileLexicon(CLAIMS_LEXICON);
const maxFillerRun = CLAIMS_LEXICON.normalisation.maxFillerRun;
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const regexes = compiled.patterns.map((p) => new RegExp(escapeRegExp(String.fromCharCode(...p.units)), 'g'));

/** The baseline: one RegExp per pattern over the normalised text, overlapping matches included. */
const regexScanNormalised = (normalised: NormalisedText): ClaimHit[] => {
  const text = normalised.text;
  const occurrences: number[] = [];
  for (let id = 0; id < regexes.length; id++) {
    const re = regexes[id] as RegExp;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      occurrences.push(id, m.index + m[0].length);
      re.lastIndex = m.index + 1;
    }
  }
  return occurrences.length === 0 ? [] : resolveHits(compiled, normalised, occurrences);
};
const regexScan = (text: string): ClaimHit[] => regexScanNormalised(normaliseForClaims(text, maxFillerRun));

// ---------------------------------------------------------------------------- measuring

/** Shortest timed window: a pass over the 1 MB corpus of `--quick` takes ~4 ms for the automaton. */
const WINDOW_MS = 150;
/** Timed pairs (automaton, regex) after one pair of warm-up. */
const PAIRS = 7;

/**
 * V8's collector, to start every timed window on a clean heap. Why: the regex side allocates
 * a string per text and the agreement check far more, and a collection owed by one side would
 * otherwise fall in the other's window. Each side still pays inside its window for what it
 * allocates there. `--expose-gc` cannot be passed through the suite's runner, so it is set here.
 */
const collect = ((): (() => void) | undefined => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

interface Round {
  /** Wall-clock seconds per pass. */
  seconds: number;
  /** The process's CPU seconds per pass (all its threads: the collector's helpers too). */
  cpu: number;
}

/**
 * One window of WINDOW_MS or more: as many passes of `run` as fill it. The CPU time is the
 * steadier figure on a shared machine (time spent waiting for a core is not in it); the wall
 * clock is what a caller waits, and what the rates are.
 */
const pause = new Int32Array(new SharedArrayBuffer(4));
const timedRound = (run: () => void): Round => {
  if (collect) {
    collect();
    // The collector's helper threads go on sweeping after gc() returns: let them finish
    // before the window opens, or their CPU (and their share of the cores) lands in it.
    Atomics.wait(pause, 0, 0, 30);
  }
  let passes = 0;
  let elapsed = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  do {
    run();
    passes++;
    elapsed = performance.now() - t0;
  } while (elapsed < WINDOW_MS);
  const cpu = process.cpuUsage(cpu0);
  return { seconds: elapsed / 1000 / passes, cpu: (cpu.user + cpu.system) / 1e6 / passes };
};

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

interface Paired {
  /** Median wall-clock seconds per pass of each side. */
  a: number;
  b: number;
  /** Median over the pairs of b / a, each pair timed back to back (so under the same load). */
  ratio: number;
  /** The same from the CPU seconds. */
  cpuRatio: number;
}

/**
 * Both sides timed the same way, in alternating windows: a pair of warm-up (JIT, caches),
 * then PAIRS pairs, the order inside a pair swapped each time so neither side always runs
 * right after the other. On this shared machine the load moves within seconds; alternation
 * exposes both sides to it alike, and the median drops the windows a burst of it hit.
 */
const paired = (a: () => void, b: () => void): Paired => {
  timedRound(a);
  timedRound(b);
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let p = 0; p < PAIRS; p++) {
    let x: Round;
    let y: Round;
    if (p % 2 === 0) {
      x = timedRound(a);
      y = timedRound(b);
    } else {
      y = timedRound(b);
      x = timedRound(a);
    }
    as.push(x.seconds);
    bs.push(y.seconds);
    ratios.push(y.seconds / x.seconds);
    cpuRatios.push(y.cpu / x.cpu);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios), cpuRatio: median(cpuRatios) };
};

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

const fmt = (x: number, digits = 1): string => x.toFixed(digits).padStart(9);

const main = (): void => {
  const t0 = performance.now();
  compileClaimScanner(CLAIMS_LEXICON);
  const buildMs = performance.now() - t0;
  const corpus = buildCorpus(TARGET_MB * 1024 * 1024);
  const texts = corpus.map((l) => l.text);
  const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t, 'utf8'), 0);
  const mb = bytes / (1024 * 1024);
  const chars = texts.reduce((sum, t) => sum + t.length, 0);
  const allowCount = compiled.patterns.filter((p) => p.isAllow).length;

  console.log(`claims lexicon ${CLAIMS_LEXICON.name}@${CLAIMS_LEXICON.version}: ${CLAIMS_LEXICON.terms.length} terms + ${allowCount} allow phrases, ${compiled.automaton.stateCount} automaton states, compiled in ${buildMs.toFixed(1)} ms`);
  // Memory of the matcher: the automaton's dense table (states × padded alphabet, with its class
  // map and outputs) and the scanner's one-pass table (a code per UTF-16 unit, then a copy of
  // the transitions).
  const { automaton } = compiled;
  const onePassBytes = new MatchingNormaliser(automaton, maxFillerRun).tableBytes;
  const tableMb = (automaton.tableBytes + onePassBytes) / (1024 * 1024);
  console.log(`matcher tables: ${tableMb.toFixed(2)} MB (automaton ${automaton.stateCount} states × ${automaton.stride} classes padded from ${automaton.width} × ${automaton.next.BYTES_PER_ELEMENT} B + class map + outputs; one-pass table ${(onePassBytes / 1024).toFixed(0)} KB)`);
  console.log(`corpus: ${texts.length} listings, ${mb.toFixed(2)} MB UTF-8, ${chars} UTF-16 units, seed ${SEED}, node ${process.version}`);

  // Warm up both, and check they agree hit for hit.
  let hitCount = 0;
  let disagreements = 0;
  let found = 0;
  let plantedCount = 0;
  let cleanFlagged = 0;
  const cleanExamples = new Set<string>();
  for (const listing of corpus) {
    const hits = scanner.scan(listing.text);
    if (JSON.stringify(hits) !== JSON.stringify(regexScan(listing.text))) disagreements++;
    hitCount += hits.length;
    for (const p of listing.planted) {
      plantedCount++;
      if (hits.some((h) => h.termId === p.termId && h.start < p.end && h.end > p.start)) found++;
    }
    if (listing.planted.length === 0 && hits.length > 0) {
      cleanFlagged++;
      if (cleanExamples.size < 5) cleanExamples.add(hits[0]?.matchedText ?? '');
    }
  }
  console.log(`hits: ${hitCount}; regex and automaton agree on ${texts.length - disagreements}/${texts.length} listings`);
  console.log(`planted claims found: ${found}/${plantedCount} (${((100 * found) / plantedCount).toFixed(1)}%, disguised 5 ways in 6); claim-free listings flagged: ${cleanFlagged}${cleanExamples.size ? ` e.g. ${[...cleanExamples].join(', ')}` : ''}`);

  // End to end: normalise + match + resolve, one listing at a time.
  const endToEnd = paired(
    () => {
      for (const t of texts) scanner.scan(t);
    },
    () => {
      for (const t of texts) regexScan(t);
    },
  );

  // Matching only, on texts normalised beforehand.
  const normalised = texts.map((t) => normaliseForClaims(t, maxFillerRun));
  for (const n of normalised) void n.text; // the regex side needs the string; build it outside the clock
  const normaliseOnly = median(
    Array.from(
      { length: 5 },
      () =>
        timedRound(() => {
          for (const t of texts) normaliseForClaims(t, maxFillerRun);
        }).seconds,
    ),
  );
  const matching = paired(
    () => {
      for (const n of normalised) scanner.scanNormalised(n);
    },
    () => {
      for (const n of normalised) regexScanNormalised(n);
    },
  );

  const row = (label: string, seconds: number): string =>
    `${label.padEnd(38)}${fmt(mb / seconds)} MB/s${fmt(texts.length / seconds, 0)} texts/s${fmt(seconds * 1000, 1)} ms`;
  console.log(`\nthroughput: median over ${PAIRS} alternating pairs of windows of ≥ ${WINDOW_MS} ms (seconds per pass over the corpus)${collect ? ', heap collected before each window' : ''}`);
  console.log(row('automaton, end to end', endToEnd.a));
  console.log(row('per-term regex, end to end', endToEnd.b));
  console.log(row('normalisation alone', normaliseOnly));
  console.log(row('automaton, matching only', matching.a));
  console.log(row('per-term regex, matching only', matching.b));
  console.log(`ratio automaton / regex (median of the pairs' ratios): end to end ${endToEnd.ratio.toFixed(1)}x, matching only ${matching.ratio.toFixed(1)}x (${regexes.length} regexes)`);
  console.log(`the same from CPU time: end to end ${endToEnd.cpuRatio.toFixed(1)}x, matching only ${matching.cpuRatio.toFixed(1)}x`);

  // Livestream hot path: one 200-character transcript segment at a time.
  const joined = texts.join('');
  const segments: string[] = [];
  for (let i = 0; segments.length < SEGMENTS; i = (i + 7919) % (joined.length - SEGMENT_CHARS)) {
    segments.push(joined.slice(i, i + SEGMENT_CHARS));
  }
  const latencies = (scan: (s: string) => unknown, count: number): number[] => {
    for (let i = 0; i < Math.min(count, 2000); i++) scan(segments[i] as string);
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = segments[i] as string;
      const a = performance.now();
      scan(s);
      out.push((performance.now() - a) * 1000);
    }
    return out.sort((x, y) => x - y);
  };
  const auto = latencies((s) => scanner.scan(s), SEGMENTS);
  const regex = latencies(regexScan, 5000);
  const lat = (label: string, us: number[]): string =>
    `${label.padEnd(38)}p50 ${fmt(percentile(us, 50))} µs  p99 ${fmt(percentile(us, 99))} µs  p99.9 ${fmt(percentile(us, 99.9))} µs  max ${fmt(us[us.length - 1] as number)} µs  (n=${us.length})`;
  console.log(`\nlatency of one ${SEGMENT_CHARS}-char segment (budget 100 ms = 100000 µs)`);
  console.log(lat('automaton', auto));
  console.log(lat('per-term regex', regex));
  if (JSON_OUTPUT) {
    const figures = {
      mb,
      listings: texts.length,
      disagreements,
      automatonMbPerSecond: mb / endToEnd.a,
      regexMbPerSecond: mb / endToEnd.b,
      endToEndRatio: endToEnd.ratio,
      endToEndCpuRatio: endToEnd.cpuRatio,
      matchingOnlyRatio: matching.ratio,
      segmentP50Us: percentile(auto, 50),
      segmentP99Us: percentile(auto, 99),
    };
    console.log(`BENCH_JSON ${JSON.stringify(figures)}`);
  }
};

main();
