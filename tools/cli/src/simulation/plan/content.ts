/** Creators, their videos (some with claims, some re-posts) and livestream scripts. */
import type { Dice } from '../random';
import {
  LIVE_LINES,
  VIDEO_CLAIMS,
} from '../vocabulary';
import type { Generator } from './generator';
import { SIMULATION_POLICY, type scenarioSizes } from './policy';
import type { CreatorPlan, LiveScript, LiveSignal, LivestreamPlan, ProductPlan, VideoFlaw, VideoPlan } from './types';

export const planContent = (
  g: Generator,
  sizes: ReturnType<typeof scenarioSizes>,
  listable: readonly ProductPlan[],
): { creators: CreatorPlan[]; videos: VideoPlan[]; livestreams: LivestreamPlan[] } => {
  const d = g.dice('content');
  const c = SIMULATION_POLICY.content;
  const creators: CreatorPlan[] = Array.from({ length: sizes.creators }, (_, i) => ({ key: g.id('crt', i + 1, 4), creatorId: g.id('crt', i + 1, 4) }));
  const videos: VideoPlan[] = [];
  let n = 0;
  const byKey = new Map(listable.map((p) => [p.key, p]));
  const goodsOf = (keys: readonly string[]): string => byKey.get(keys[0] as string)?.title.split(' ')[1] ?? '好物';
  creators.forEach((creator, index) => {
    const count = d.int(c.videosPerCreator[0], c.videosPerCreator[1]);
    const flaws: VideoFlaw[] = [];
    for (let i = 0; i < count; i++) flaws.push(d.chance(c.claimShare) ? 'claim' : 'none');
    // The first creators surely post a claim (so every run has some), after a premium video.
    if (index < 2) flaws[flaws.length - 1] = 'claim';
    // Clean videos first: a claim costs the creator credit, and a creator whose credit is
    // limited cannot have a premium video afterwards.
    flaws.sort((a, b) => (a === b ? 0 : a === 'none' ? -1 : 1));
    flaws.forEach((flaw, i) => {
      n++;
      const productKeys = d.sample(listable, d.int(1, 2)).map((p) => p.key);
      const goods = goodsOf(productKeys);
      const premium = flaw === 'none' && ((index < 3 && i === 0) || d.chance(c.premiumShare));
      const claim = flaw === 'claim' ? (index < 2 ? VIDEO_CLAIMS[index] : d.pick(VIDEO_CLAIMS)) : undefined;
      const views = BigInt(d.int(800, 60_000));
      videos.push({
        key: g.id('vid', n),
        contentId: g.id('vid', n),
        creatorKey: creator.key,
        title: claim ? `${goods}${claim.phrase}，闭眼入` : `${goods}真实测评｜用了${d.int(7, 60)}天的感受`,
        captions: claim
          ? `这款${goods}我只想说${claim.phrase}，买它就对了，链接在下方。`
          : `${goods}开箱和上手体验：做工、尺寸、细节都拍给大家看了，优缺点都讲清楚，适合什么人买也说了，链接在视频下方。`,
        transcript: `大家好，今天聊聊这款${goods}。${LIVE_LINES.join('。')}。${claim ? `总之${claim.phrase}。` : '整体来说性价比不错，但是也有小缺点，比如包装可以更环保一些。大家按需购买，不要冲动消费。'}我们下期再见。`.repeat(2),
        productKeys,
        mediaFingerprint: `phash:${d.hex(32)}`,
        ...(premium
          ? {
              engagement: {
                views,
                completionRate: Math.round((0.55 + d.next() * 0.3) * 100) / 100,
                likes: (views * 8n) / 100n,
                comments: views / 100n,
                shares: views / 100n,
              },
            }
          : {}),
        flaw,
      });
    });
  });
  // Reposts: another creator re-publishes an original's media (after every original is in).
  const originals = [...videos];
  const repostCount = Math.max(2, Math.round(originals.length * c.repostShare));
  for (let i = 0; i < repostCount; i++) {
    const original = d.pick(originals);
    const creator = d.pick(creators.filter((cr) => cr.key !== original.creatorKey));
    n++;
    const { engagement: _engagement, ...media } = original;
    videos.push({ ...media, key: g.id('vid', n), contentId: g.id('vid', n), creatorKey: creator.key, title: `${original.title}（转）`, flaw: 'repost', repostOf: original.key });
  }
  const livestreams: LivestreamPlan[] = [];
  const scripts = SIMULATION_POLICY.livestreams.scripts;
  for (let i = 0; i < sizes.livestreams; i++) {
    // Every script at least once, then by weight.
    const script: LiveScript = i < scripts.length ? (scripts[i] as (typeof scripts)[number])[0] : d.weighted(scripts);
    const creator = creators[i % creators.length] as CreatorPlan;
    const productKeys = d.sample(listable, d.int(1, 3)).map((p) => p.key);
    livestreams.push({
      key: g.id('live', i + 1, 4),
      livestreamId: g.id('live', i + 1, 4),
      creatorKey: creator.key,
      title: `${goodsOf(productKeys)}专场直播 第${i + 1}场`,
      productKeys,
      script,
      signals: liveSignals(d, script),
    });
  }
  return { creators, videos, livestreams };
};

/** A script of signals; the claims are the lexicon's, so the escalation is the policy's ladder. */
const liveSignals = (d: Dice, script: LiveScript): LiveSignal[] => {
  const signals: LiveSignal[] = [];
  let at = 0;
  const say = (text: string): void => {
    const length = 4_000 + d.int(0, 6_000);
    signals.push({ kind: 'transcript', text, startOffsetMs: at, endOffsetMs: at + length });
    at += length + 500;
  };
  say(d.pick(LIVE_LINES));
  signals.push({ kind: 'viewers', newReports: 0, viewerCount: d.int(200, 20_000), category: '' });
  say(d.pick(LIVE_LINES));
  if (script === 'warn') say('这款面霜是我用过最好的，真的推荐');
  if (script === 'escalate') {
    // HIGH claims: 6 strike points each, one ladder step per signal: warn, limit, interrupt.
    say('这款全网第一，别家都比不了');
    signals.push({ kind: 'viewers', newReports: d.int(5, 20), viewerCount: d.int(300, 3_000), category: 'MISLEADING' });
    say('销量第一，用了100%有效，无效退款');
    say('行业第一的品质，今天全网最低价');
  }
  if (script === 'critical') say('每天吃两颗就能抗癌，比吃药还管用');
  say(d.pick(LIVE_LINES));
  return signals;
};
