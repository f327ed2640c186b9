import { IdentifierKind, MerchantStatus, type RingLink } from '@govern/contracts-merchant-access';
import { enumLabel } from '../i18n/translate';
import { html, raw, type Html, type ViewContext } from './html';

/**
 * The ring evidence of an application drawn as a small graph: the applicant on the left, each
 * linked merchant at its distance, and every hop labelled with the kind of identifier shared
 * (and its fingerprint). Hand-drawn SVG, not a graph library: the shape is always a tree of
 * shortest paths from one root, a few dozen nodes at most, and columns by hop count lay it out
 * without a force simulation (no client code, nothing to load).
 */
interface Node {
  id: string;
  depth: number;
  row: number;
  status: MerchantStatus;
  sanctioned: boolean;
}

interface Edge {
  from: string;
  to: string;
  kind: IdentifierKind;
  fingerprint: string;
}

const ROOT = '';
const COLUMN = 210;
const ROW = 64;
const NODE_W = 170;
const NODE_H = 36;
const PAD = 16;

export const layoutRing = (links: readonly RingLink[]): { nodes: Node[]; edges: Edge[] } => {
  const nodes = new Map<string, Node>([[ROOT, { id: ROOT, depth: 0, row: 0, status: MerchantStatus.MERCHANT_STATUS_UNSPECIFIED, sanctioned: false }]]);
  const rows = new Map<number, number>([[0, 1]]);
  const edges = new Map<string, Edge>();
  for (const link of links) {
    let previous = ROOT;
    link.path.forEach((step, index) => {
      const depth = index + 1;
      if (!nodes.has(step.merchantId)) {
        const row = rows.get(depth) ?? 0;
        rows.set(depth, row + 1);
        nodes.set(step.merchantId, { id: step.merchantId, depth, row, status: step.merchantStatus, sanctioned: false });
      }
      const key = `${previous}>${step.merchantId}>${step.identifierKind}>${step.identifierFingerprint}`;
      if (!edges.has(key)) edges.set(key, { from: previous, to: step.merchantId, kind: step.identifierKind, fingerprint: step.identifierFingerprint });
      previous = step.merchantId;
    });
    const last = nodes.get(link.merchantId);
    if (last) nodes.set(link.merchantId, { ...last, status: link.merchantStatus, sanctioned: link.sanctioned });
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
};

const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export const ringGraph = (v: ViewContext, links: readonly RingLink[]): Html => {
  if (links.length === 0) return html`<p class="muted">${v.t('review.ringNone')}</p>`;
  const { nodes, edges } = layoutRing(links);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const columns = Math.max(...nodes.map((n) => n.depth)) + 1;
  const rowsUsed = Math.max(...nodes.map((n) => n.row)) + 1;
  const width = PAD * 2 + (columns - 1) * COLUMN + NODE_W;
  const height = PAD * 2 + (rowsUsed - 1) * ROW + NODE_H;
  const x = (node: Node): number => PAD + node.depth * COLUMN;
  const y = (node: Node): number => PAD + node.row * ROW;
  const parts: string[] = [];
  for (const edge of edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) continue;
    const [x1, y1, x2, y2] = [x(from) + NODE_W, y(from) + NODE_H / 2, x(to), y(to) + NODE_H / 2];
    const kind = enumLabel(v.locale, IdentifierKind, edge.kind);
    parts.push(
      `<g><line class="edge" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>` +
        `<text class="edge-label" x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle">${escapeXml(kind)}</text>` +
        `<title>${escapeXml(`${kind} ${edge.fingerprint}`)}</title></g>`,
    );
  }
  for (const node of nodes) {
    const isRoot = node.id === ROOT;
    const removed = node.status === MerchantStatus.MERCHANT_STATUS_REMOVED;
    const css = isRoot ? 'applicant' : removed ? 'removed' : node.sanctioned ? 'sanctioned' : '';
    const title = isRoot ? v.t('review.applicant') : node.id;
    const status = isRoot ? '' : enumLabel(v.locale, MerchantStatus, node.status);
    const label = `<text x="${x(node) + 8}" y="${y(node) + 15}">${escapeXml(title.length > 24 ? `${title.slice(0, 23)}…` : title)}</text>` + (status ? `<text x="${x(node) + 8}" y="${y(node) + 29}">${escapeXml(status)}</text>` : '');
    const box = `<rect width="${NODE_W}" height="${NODE_H}" rx="6" x="${x(node)}" y="${y(node)}"/>`;
    // No links inside the image (an image holds no controls): the list below links each merchant.
    parts.push(
      isRoot
        ? `<g class="node ${css}" data-node="applicant">${box}${label}</g>`
        : `<g class="node ${css}" data-node="${escapeXml(node.id)}" data-status="${MerchantStatus[node.status] ?? ''}">${box}${label}<title>${escapeXml(`${node.id} · ${status}`)}</title></g>`,
    );
  }
  const summary = links.map((link) => `${link.merchantId} (${link.path.map((s) => enumLabel(v.locale, IdentifierKind, s.identifierKind)).join(' → ')})`).join('; ');
  return html`<figure>
    <svg class="ring" role="img" aria-labelledby="ring-title ring-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
      <title id="ring-title">${v.t('review.ring')}</title>
      <desc id="ring-desc">${summary}</desc>
      ${raw(parts.join(''))}
    </svg>
    <figcaption class="muted">${v.t('review.ringHint')}</figcaption>
    <ul class="ring-links">
      ${links.map(
        (link) => html`<li>
          <a href="/merchants/${encodeURIComponent(link.merchantId)}">${link.merchantId}</a> · ${enumLabel(v.locale, MerchantStatus, link.merchantStatus)} ·
          ${link.path.map((step) => `${enumLabel(v.locale, IdentifierKind, step.identifierKind)} ${step.identifierFingerprint}`).join(' → ')}
        </li>`,
      )}
    </ul>
  </figure>`;
};
