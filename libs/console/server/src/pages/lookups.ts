import { MerchantStatus, SanctionKind, ViolationStatus, ViolationType, type Merchant, type StoreExperienceScore, type Violation } from '@govern/contracts-merchant-access';
import { BanStatus, DefectClass, LabVerdict, ProductStatus, QualityTier, type Ban, type GetQualityScoreResponse, type LabResult, type Product } from '@govern/contracts-product-quality';
import type { RouteModule } from '../http/app';
import { queryParam } from '../http/context';
import { render, viewOf } from '../http/render';
import { formatFen, formatNumber } from '../i18n/locale';
import { html, label, link, policyRef, reasonList, time, type Html, type ViewContext } from '../views/html';
import { part, renderParts } from '../views/section';
import { banFacts } from './ban-appeals';
import { lookupMoreRoutes } from './lookups-more';

export const LOOKUP_KINDS = ['merchants', 'products', 'creators', 'orders', 'after-sales'] as const;
type LookupKind = (typeof LOOKUP_KINDS)[number];
const KIND_LABELS = { merchants: 'common.merchant', products: 'common.product', creators: 'common.creator', orders: 'common.order', 'after-sales': 'order.afterSales' } as const;

export const lookupForm = (v: ViewContext, kind: LookupKind, value: string): Html => html`<form method="get" action="/lookup" class="filters" role="search">
  <label>${v.t('lookup.kind')}
    <select name="kind">
      ${LOOKUP_KINDS.map((k) => html`<option value="${k}" ${k === kind ? 'selected' : ''}>${v.t(KIND_LABELS[k])}</option>`)}
    </select>
  </label>
  <label>${v.t('lookup.value')} <input type="search" name="id" value="${value}" required maxlength="128" data-search /></label>
  <button type="submit">${v.t('lookup.go')}</button>
</form>`;

const merchantFacts = (v: ViewContext, merchant: Merchant): Html => {
  const s = merchant.standing;
  return html`<dl class="facts" data-standing="${s ? (MerchantStatus[s.status] ?? '') : ''}">
    <dt>${v.t('review.company')}</dt><dd>${merchant.companyName}</dd>
    <dt>${v.t('review.licence')}</dt><dd>${merchant.businessLicenceCodeMasked}</dd>
    <dt>${v.t('common.status')}</dt><dd>${s ? label(v, MerchantStatus, s.status) : '—'}</dd>
    <dt>${v.t('merchant.activePoints')}</dt><dd data-points>${String(s?.activePoints ?? 0)}</dd>
    <dt>${v.t('merchant.nextExpiry')}</dt><dd>${time(v, s?.nextPointsExpiryAt)}</dd>
    <dt>${v.t('merchant.canList')}</dt><dd>${s?.canList ? v.t('common.yes') : v.t('common.no')}</dd>
    <dt>${v.t('merchant.canSell')}</dt><dd>${s?.canSell ? v.t('common.yes') : v.t('common.no')}</dd>
    <dt>${v.t('merchant.sanction')}</dt>
    <dd>${s?.activeSanction
      ? html`${label(v, SanctionKind, s.activeSanction.kind)} · ${time(v, s.activeSanction.startsAt)} → ${time(v, s.activeSanction.endsAt)} ${reasonList(v, s.activeSanction.reasons)}`
      : v.t('common.none')}</dd>
    <dt>${v.t('merchant.deposit')}</dt><dd>${merchant.restrictions ? formatFen(v.locale, merchant.restrictions.depositFen) : '—'}</dd>
    <dt>${v.t('common.policy')}</dt><dd>${policyRef(s?.policy)}</dd>
  </dl>`;
};

const violationsTable = (v: ViewContext, violations: readonly Violation[]): Html => html`<table>
  <thead><tr><th scope="col">${v.t('common.id')}</th><th scope="col">${v.t('review.kind')}</th><th scope="col" class="num">${v.t('common.points')}</th>
    <th scope="col">${v.t('common.status')}</th><th scope="col">${v.t('common.time')}</th><th scope="col">${v.t('merchant.expires')}</th></tr></thead>
  <tbody>${violations.map(
    (item) => html`<tr>
      <td><code>${item.violationId}</code></td><td>${label(v, ViolationType, item.type)}</td><td class="num">${String(item.points)}</td>
      <td>${label(v, ViolationStatus, item.status)}</td><td>${time(v, item.occurredAt)}</td><td>${time(v, item.expiresAt)}</td>
    </tr>`,
  )}</tbody>
</table>`;

const scoreFacts = (v: ViewContext, score: StoreExperienceScore): Html => html`<p><strong data-ses>${formatNumber(v.locale, score.score, 2)}</strong> / 5
    ${score.neutral ? html`<span class="tag">${v.t('merchant.neutral')}</span>` : ''}</p>
  <dl class="facts">
    <dt>product 50%</dt><dd>${formatNumber(v.locale, score.productScore, 2)}</dd>
    <dt>logistics 20%</dt><dd>${formatNumber(v.locale, score.logisticsScore, 2)}</dd>
    <dt>service 30%</dt><dd>${formatNumber(v.locale, score.serviceScore, 2)}</dd>
    <dt>${v.t('common.order')}</dt><dd>${String(score.orderCount)}</dd>
  </dl>
  <table><caption>${v.t('merchant.sesParts')}</caption>
    <thead><tr><th scope="col">metric</th><th scope="col">dimension</th><th scope="col" class="num">observed</th><th scope="col" class="num">${v.t('common.score')}</th><th scope="col" class="num">weight</th></tr></thead>
    <tbody>${score.components.map(
      (part_) => html`<tr><td><code>${part_.metric}</code></td><td>${part_.dimension}</td><td class="num">${formatNumber(v.locale, part_.observed, 4)}</td>
        <td class="num">${formatNumber(v.locale, part_.score, 2)}</td><td class="num">${formatNumber(v.locale, part_.weight, 2)}</td></tr>`,
    )}</tbody>
  </table>
  <p class="muted">${v.t('common.policy')}: ${policyRef(score.policy)} · ${time(v, score.computedAt)}</p>`;

export const bansTable = (v: ViewContext, bans: readonly Ban[]): Html =>
  bans.length === 0 ? html`<p class="muted">${v.t('common.none')}</p>` : html`${bans.map((ban) => html`<div class="panel">${banFacts(v, ban)}</div>`)}`;

const productFacts = (v: ViewContext, product: Product): Html => html`<dl class="facts" data-product-status="${ProductStatus[product.status] ?? ''}">
  <dt>${v.t('common.product')}</dt><dd>${product.title}</dd>
  <dt>${v.t('common.merchant')}</dt><dd>${link('merchants', product.merchantId)}</dd>
  <dt>${v.t('review.categories')}</dt><dd>${product.categoryCode}</dd>
  <dt>${v.t('ip.brand')}</dt><dd>${product.brand || '—'}</dd>
  <dt>${v.t('common.status')}</dt><dd>${label(v, ProductStatus, product.status)}</dd>
  <dt>${v.t('product.quality')}</dt><dd>${String(product.qualityScore)} · ${label(v, QualityTier, product.qualityTier)}</dd>
</dl>`;

const qualityFacts = (v: ViewContext, response: GetQualityScoreResponse): Html => {
  const score = response.score;
  return html`${score
      ? html`<p><strong>${String(score.score)}</strong> / 100 · ${label(v, QualityTier, score.tier)} · ${policyRef(score.policy)}</p>
          <table><caption>${v.t('product.components')}</caption>
            <thead><tr><th scope="col">name</th><th scope="col" class="num">value</th><th scope="col" class="num">weight</th><th scope="col" class="num">contribution</th><th scope="col">explanation</th></tr></thead>
            <tbody>${score.components.map(
              (c) => html`<tr><td><code>${c.name}</code></td><td class="num">${formatNumber(v.locale, c.value, 2)}</td><td class="num">${formatNumber(v.locale, c.weight, 2)}</td>
                <td class="num">${formatNumber(v.locale, c.contribution, 2)}</td><td>${c.explanation}</td></tr>`,
            )}</tbody>
          </table>`
      : ''}
    <table><caption>${v.t('product.history')}</caption>
      <thead><tr><th scope="col">${v.t('common.time')}</th><th scope="col" class="num">${v.t('common.score')}</th><th scope="col">${v.t('product.trigger')}</th><th scope="col">${v.t('common.reasons')}</th></tr></thead>
      <tbody>${response.history.map(
        (h) => html`<tr><td>${time(v, h.computedAt)}</td><td class="num">${String(h.score)}</td><td><code>${h.trigger}</code></td><td>${h.reasons.map((r) => html`<code>${r.code}</code> `)}</td></tr>`,
      )}</tbody>
    </table>`;
};

const labResultsTable = (v: ViewContext, results: readonly LabResult[]): Html =>
  results.length === 0
    ? html`<p class="muted">${v.t('common.none')}</p>`
    : html`<table data-lab-results><caption class="visually-hidden">${v.t('product.labResults')}</caption>
        <thead><tr>
          <th scope="col">${v.t('product.testedAt')}</th><th scope="col">${v.t('product.verdict')}</th><th scope="col">${v.t('product.severity')}</th>
          <th scope="col" class="num">${v.t('product.defects')}</th><th scope="col">${v.t('product.lab')}</th><th scope="col">${v.t('product.report')}</th>
        </tr></thead>
        <tbody>${results.map(
          (r) => html`<tr><td>${time(v, r.testedAt)}</td><td>${label(v, LabVerdict, r.verdict)}</td><td>${r.severity ? label(v, DefectClass, r.severity) : '—'}</td>
            <td class="num">${`${r.criticalDefects} / ${r.majorDefects} / ${r.minorDefects}`}</td><td>${r.labName}</td><td><code>${r.reportRef}</code></td></tr>`,
        )}</tbody>
      </table>`;

/** Look-ups: a merchant's standing, a product's bans and quality; creators, orders and the fund in lookups-more. */
export const lookupRoutes: RouteModule = (app, deps) => {
  app.get('/lookup', (c) => {
    const v = viewOf(c);
    const kind = LOOKUP_KINDS.find((k) => k === c.req.query('kind'));
    const id = queryParam(c, 'id');
    if (kind && id) return c.redirect(`/${kind}/${encodeURIComponent(id)}`, 303);
    return render(c, { title: v.t('lookup.title'), active: 'lookup', body: lookupForm(v, kind ?? 'merchants', id) });
  });

  app.get('/merchants/:merchantId', async (c) => {
    const v = viewOf(c);
    const can = c.get('can');
    const api = c.get('api').merchantAccess;
    const merchantId = c.req.param('merchantId');
    const body = await renderParts(v, [
      part({ id: 'standing', title: v.t('merchant.standing'), allowed: can.can('merchantAccess', 'GetMerchant'), load: () => api.getMerchant({ merchantId }).then((r) => r.merchant), show: (m) => merchantFacts(v, m) }),
      part({
        id: 'violations',
        title: v.t('merchant.violations'),
        allowed: can.can('merchantAccess', 'ListViolations'),
        load: () => api.listViolations({ merchantId, pageSize: 100, pageToken: '', status: 0 }).then((r) => r.violations),
        show: (list) => violationsTable(v, list),
      }),
      part({ id: 'ses', title: v.t('merchant.ses'), allowed: can.can('merchantAccess', 'GetStoreExperienceScore'), load: () => api.getStoreExperienceScore({ merchantId }).then((r) => r.score), show: (s) => scoreFacts(v, s) }),
      part({
        id: 'affiliate',
        title: v.t('merchant.affiliate'),
        allowed: can.can('merchantAccess', 'GetAffiliateEligibility'),
        load: () => api.getAffiliateEligibility({ merchantId }).then((r) => r.eligibility),
        show: (e) => html`<p data-affiliate="${e.eligible ? 'eligible' : 'not-eligible'}"><strong>${e.eligible ? v.t('common.yes') : v.t('common.no')}</strong> · ${policyRef(e.policy)} · ${time(v, e.evaluatedAt)}</p>${reasonList(v, e.reasons)}`,
      }),
      part({
        id: 'deposit',
        title: v.t('merchant.deposit'),
        allowed: can.can('consumerExperience', 'GetMerchantDeposit'),
        load: () => c.get('api').consumerExperience.getMerchantDeposit({ merchantId }).then((r) => r.deposit),
        show: (d) => html`<dl class="facts"><dt>${v.t('merchant.deposit')}</dt><dd>${formatFen(v.locale, d.balanceFen)} / ${formatFen(v.locale, d.minimumFen)}</dd>
          <dt>${v.t('fund.receivables')}</dt><dd>${formatFen(v.locale, d.owedFen)}</dd><dt>${v.t('common.time')}</dt><dd>${time(v, d.updateTime)}</dd></dl>`,
      }),
      part({
        id: 'bans',
        title: v.t('merchant.bans'),
        allowed: can.can('productQuality', 'ListBans'),
        load: () => c.get('api').productQuality.listBans({ pageSize: 50, pageToken: '', merchantId, productId: '', status: BanStatus.BAN_STATUS_UNSPECIFIED, cause: 0 }).then((r) => r.bans),
        show: (bans) => bansTable(v, bans),
      }),
    ]);
    return render(c, { title: v.t('merchant.title', { id: merchantId }), active: 'lookup', body });
  });

  app.get('/products/:productId', async (c) => {
    const v = viewOf(c);
    const can = c.get('can');
    const api = c.get('api').productQuality;
    const productId = c.req.param('productId');
    const body = await renderParts(v, [
      part({ id: 'product', title: v.t('common.product'), allowed: can.can('productQuality', 'GetProduct'), load: () => api.getProduct({ productId }).then((r) => r.product), show: (p) => productFacts(v, p) }),
      part({ id: 'quality', title: v.t('product.quality'), allowed: can.can('productQuality', 'GetQualityScore'), load: () => api.getQualityScore({ productId, historyPageSize: 50, historyPageToken: '' }), show: (q) => qualityFacts(v, q) }),
      part({
        id: 'lab-results',
        title: v.t('product.labResults'),
        allowed: can.can('productQuality', 'ListLabResults'),
        load: () => api.listLabResults({ productId, pageSize: 50, pageToken: '' }).then((r) => r.results),
        show: (results) => labResultsTable(v, results),
      }),
      part({
        id: 'bans',
        title: v.t('product.bans'),
        allowed: can.can('productQuality', 'ListBans'),
        load: () => api.listBans({ pageSize: 50, pageToken: '', merchantId: '', productId, status: 0, cause: 0 }).then((r) => r.bans),
        show: (bans) => bansTable(v, bans),
      }),
    ]);
    return render(c, { title: v.t('product.title', { id: productId }), active: 'lookup', body });
  });

  lookupMoreRoutes(app, deps);
};
