/** Complaints about content, products, merchants and service, each about an order of the plan. */
import type { Generator } from './generator';
import type { scenarioSizes } from './policy';
import type { ComplaintPlan, ComplaintTarget, OrderPlan, VideoPlan } from './types';

export const planComplaints = (
  g: Generator,
  sizes: ReturnType<typeof scenarioSizes>,
  orders: readonly OrderPlan[],
  videos: readonly VideoPlan[],
): ComplaintPlan[] => {
  const d = g.dice('complaints');
  const recorded = orders.filter((o) => o.kind !== 'pre-sale-too-long');
  const attributed = recorded.filter((o) => o.contentKey !== undefined);
  const late = recorded.filter((o) => o.kind === 'late-shipped' || o.kind === 'fake-shipment' || o.kind === 'never-shipped');
  const claimVideos = new Set(videos.filter((v) => v.flaw === 'claim').map((v) => v.key));
  const complaints: ComplaintPlan[] = [];
  const targets: ComplaintTarget[] = ['CONTENT', 'PRODUCT', 'MERCHANT', 'SERVICE'];
  for (let i = 0; i < sizes.complaints; i++) {
    // Every target at least once, then by weight.
    const target = i < targets.length ? (targets[i] as ComplaintTarget) : d.weighted<ComplaintTarget>([['CONTENT', 3], ['PRODUCT', 2.5], ['MERCHANT', 1.5], ['SERVICE', 3]]);
    const key = g.id('cmp', i + 1, 4);
    if (target === 'CONTENT' && attributed.length > 0) {
      const preferred = attributed.filter((o) => claimVideos.has(o.contentKey as string));
      const order = d.pick(preferred.length > 0 && d.chance(0.7) ? preferred : attributed);
      complaints.push({ key, target, orderKey: order.key, contentKey: order.contentKey as string, category: 'MISLEADING_CLAIM', text: '视频里说的效果和实际完全不符，涉嫌虚假宣传' });
    } else if (target === 'SERVICE' && late.length > 0) {
      const order = d.pick(late);
      complaints.push({ key, target, orderKey: order.key, category: 'LOGISTICS', text: '付款好几天了还没发货，或者单号一直没有物流信息' });
    } else {
      const order = d.pick(recorded);
      const t = target === 'CONTENT' || target === 'SERVICE' ? 'PRODUCT' : target;
      complaints.push(
        t === 'PRODUCT'
          ? { key, target: t, orderKey: order.key, category: d.pick(['QUALITY', 'COUNTERFEIT'] as const), text: '收到的商品质量很差，怀疑不是正品' }
          : { key, target: t, orderKey: order.key, category: 'SERVICE_ATTITUDE', text: '客服态度恶劣，售后一直推脱' },
      );
    }
  }
  return complaints;
};

