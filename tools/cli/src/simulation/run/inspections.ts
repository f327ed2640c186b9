/** Sampling inspections: the campaign, its plan, and lab results (sampled and ad hoc). */
import { DefectClass, LabVerdict } from '@govern/contracts-product-quality';
import type { LabOutcome, ProductPlan } from '../scenario';
import { HOUR, type RunContext } from './run-context';

const defectsOf = (outcome: LabOutcome): { defectClass: DefectClass; code: string; description: string }[] => {
  if (outcome === 'critical') {
    return [{ defectClass: DefectClass.DEFECT_CLASS_CRITICAL, code: 'HAZARDOUS_SUBSTANCE_OVER_LIMIT', description: '有害物质含量超过国家标准限值' }];
  }
  if (outcome === 'major') return [{ defectClass: DefectClass.DEFECT_CLASS_MAJOR, code: 'LABEL_NONCONFORMING', description: '标签标识不符合标准要求' }];
  return [];
};

export const inspect = async (ctx: RunContext): Promise<void> => {
  const plan = ctx.scenario.inspection;
  const end = ctx.startPhase('inspection');
  const created = await ctx.call('CreateInspectionCampaign', () =>
    ctx.clients.productQuality.createInspectionCampaign({
      requestId: ctx.rid('CreateInspectionCampaign', 'campaign'),
      name: plan.name,
      budgetFen: plan.budgetFen,
      categoryCosts: plan.categoryCosts,
      defaultCostFen: plan.defaultCostFen,
      categoryCodes: [],
    }),
  );
  const campaignId = created.ok ? created.value.campaign?.campaignId : undefined;
  if (!campaignId) return;
  const planned = await ctx.call('PlanInspectionCampaign', () =>
    ctx.clients.productQuality.planInspectionCampaign({ requestId: ctx.rid('PlanInspectionCampaign', 'campaign'), campaignId, seed: plan.drawSeed }),
  );
  if (!planned.ok) return;
  ctx.tally.add('products', 'sampling campaign: candidates', planned.value.candidateCount);
  ctx.tally.add('products', 'sampling campaign: samples planned', planned.value.samples.length);
  end();
  const samples = planned.value.samples.filter((sample) => ctx.productKeyById.has(sample.productId));
  await ctx.lanes('inspection', samples, async (sample) => {
    const product = ctx.productByKey.get(ctx.productKeyById.get(sample.productId) as string) as ProductPlan;
    await recordLab(ctx, product, product.labOutcome, sample.sampleId);
  });
};

export const recordLab = async (ctx: RunContext, p: ProductPlan, outcome: LabOutcome, sampleId: string | undefined): Promise<void> => {
  if (!ctx.onSale.has(p.key) || ctx.banned.has(p.key) || ctx.removed.has(p.merchantKey)) return;
  const answer = await ctx.call('RecordLabResult', () =>
    ctx.clients.productQuality.recordLabResult({
      requestId: ctx.rid('RecordLabResult', p.key, sampleId ? 'sample' : 'ad-hoc'),
      sampleId: sampleId ?? '',
      productId: p.productId,
      skuId: p.skuId,
      verdict: outcome === 'pass' ? LabVerdict.LAB_VERDICT_PASS : LabVerdict.LAB_VERDICT_FAIL,
      defects: defectsOf(outcome),
      reportRef: `CNAS-${ctx.scenario.prefix}-${p.productId.slice(-5)}-${sampleId ? 'S' : 'A'}`,
      labName: '国家日用消费品质量检验检测中心（模拟）',
      testedAt: new Date(Date.now() - HOUR),
    }),
  );
  if (!answer.ok) return;
  ctx.tally.add('products', 'lab results recorded');
  ctx.tally.add('products', outcome === 'pass' ? ' passed' : outcome === 'major' ? ' failed (major defects)' : ' failed (critical defects)');
  if (answer.value.bans.length > 0) {
    ctx.tally.add('products', 'products banned by lab results', answer.value.bans.length);
    for (const ban of answer.value.bans) ctx.banned.add(ctx.productKeyById.get(ban.productId) ?? ban.productId);
  }
};
