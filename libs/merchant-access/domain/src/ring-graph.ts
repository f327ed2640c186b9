import { IDENTIFIER_KINDS, type IdentifierKind } from './identifiers';
import type { MerchantStatus } from './merchant-status';
import { RING_POLICY, type RingPolicy } from './policies/onboarding.policy';
import { FingerprintTable, fingerprint, fp, grown, hex32 } from './ring-graph.storage';
import type { GraphIdentifier, RingCheckResult, RingGraphOptions, RingLink, RingPathStep } from './ring-graph.types';

export type { GraphIdentifier, RingCheckResult, RingGraphOptions, RingLink, RingPathStep } from './ring-graph.types';

/**
 * The ring graph: merchants joined through shared identifiers (legal rep, bank account, phone,
 * device, address, licence). Kept incrementally in memory by the service and rebuilt from the
 * database at start-up; never rebuilt per request.
 *
 * Shape (memory-lean, sized for 10^6 merchants and 5·10^6 identifiers):
 * - identifiers are keyed by a 64-bit fingerprint of `kind:keyedHash`; the keyed hash never
 *   leaves the adapter, the fingerprint is what evidence shows. Two 32-bit halves in typed
 *   arrays, found through an open-addressing table of integer ids. (A fingerprint collision
 *   among 5·10^6 keyed hashes has odds of about 10^-6; the keys are HMACs, so nobody can aim one.)
 * - a bipartite edge pool (merchant <-> identifier) as linked lists in typed arrays;
 * - union-find over merchants with, at each root, how many removed and sanctioned merchants
 *   the component holds: most checks stop there, and the breadth-first search for the
 *   shortest path only walks components that hold a removed or sanctioned merchant;
 * - hub identifiers (shared by more than `hubDegree` merchants, e.g. an office-tower address)
 *   are reported with their merchant count but give no links, are never walked through and
 *   stop joining components: they prove nothing and would glue the whole graph together.
 */

const STATUS_CODES: readonly MerchantStatus[] = ['ACTIVE', 'LISTING_RESTRICTED', 'SUSPENDED', 'REMOVED'];
const STATUS_INDEX: Readonly<Record<MerchantStatus, number>> = { ACTIVE: 0, LISTING_RESTRICTED: 1, SUSPENDED: 2, REMOVED: 3 };
const KIND_INDEX: Readonly<Record<IdentifierKind, number>> = Object.fromEntries(IDENTIFIER_KINDS.map((k, i) => [k, i])) as Record<
  IdentifierKind,
  number
>;
const REMOVED = 3;
const isSanctionedCode = (code: number): boolean => code === 1 || code === 2;

export class RingGraph {
  private readonly policy: RingPolicy;

  // merchants
  private merchantCount = 0;
  private readonly merchantIds: string[] = [];
  private merchantHi: Uint32Array;
  private merchantLo: Uint32Array;
  private merchantStatus: Uint8Array;
  private merchantEdgeHead: Int32Array;
  private parent: Int32Array;
  private componentSize: Int32Array;
  private removedInComponent: Int32Array;
  private sanctionedInComponent: Int32Array;
  private readonly merchantTable: FingerprintTable;

  // identifiers
  private identifierCount = 0;
  private identHi: Uint32Array;
  private identLo: Uint32Array;
  private identKind: Uint8Array;
  private identEdgeHead: Int32Array;
  private identDegree: Int32Array;
  private readonly identTable: FingerprintTable;

  // edges (merchant <-> identifier), each in two singly linked lists
  private edgeCount = 0;
  private edgeMerchant: Int32Array;
  private edgeIdent: Int32Array;
  private nextOfMerchant: Int32Array;
  private nextOfIdent: Int32Array;

  // search scratch: a visit is current when its stamp equals `epoch`
  private epoch = 0;
  private merchantStamp: Uint32Array;
  private merchantVia: Int32Array;
  private merchantHops: Uint8Array;
  private identStamp: Uint32Array;
  private identVia: Int32Array;

  constructor(options: RingGraphOptions = {}) {
    this.policy = options.policy ?? RING_POLICY;
    const m = Math.max(16, options.expectedMerchants ?? 1024);
    const i = Math.max(16, options.expectedIdentifiers ?? m * 5);
    const e = Math.max(16, options.expectedEdges ?? i);
    this.merchantHi = new Uint32Array(m);
    this.merchantLo = new Uint32Array(m);
    this.merchantStatus = new Uint8Array(m);
    this.merchantEdgeHead = new Int32Array(m).fill(-1);
    this.parent = new Int32Array(m);
    this.componentSize = new Int32Array(m);
    this.removedInComponent = new Int32Array(m);
    this.sanctionedInComponent = new Int32Array(m);
    this.merchantStamp = new Uint32Array(m);
    this.merchantVia = new Int32Array(m);
    this.merchantHops = new Uint8Array(m);
    this.merchantTable = new FingerprintTable(
      m,
      (id) => this.merchantHi[id] as number,
      (id) => this.merchantLo[id] as number,
    );

    this.identHi = new Uint32Array(i);
    this.identLo = new Uint32Array(i);
    this.identKind = new Uint8Array(i);
    this.identEdgeHead = new Int32Array(i).fill(-1);
    this.identDegree = new Int32Array(i);
    this.identStamp = new Uint32Array(i);
    this.identVia = new Int32Array(i);
    this.identTable = new FingerprintTable(
      i,
      (id) => this.identHi[id] as number,
      (id) => this.identLo[id] as number,
    );

    this.edgeMerchant = new Int32Array(e);
    this.edgeIdent = new Int32Array(e);
    this.nextOfMerchant = new Int32Array(e);
    this.nextOfIdent = new Int32Array(e);
  }

  get size(): { merchants: number; identifiers: number; edges: number } {
    return { merchants: this.merchantCount, identifiers: this.identifierCount, edges: this.edgeCount };
  }

  /** Bytes held by the typed arrays (the merchant id strings come on top). */
  get bytes(): number {
    const arrays = [
      this.merchantHi, this.merchantLo, this.merchantStatus, this.merchantEdgeHead, this.parent, this.componentSize,
      this.removedInComponent, this.sanctionedInComponent, this.merchantStamp, this.merchantVia,
      this.merchantHops, this.identHi, this.identLo, this.identKind, this.identEdgeHead, this.identDegree, this.identStamp, this.identVia,
      this.edgeMerchant, this.edgeIdent, this.nextOfMerchant, this.nextOfIdent,
    ];
    return arrays.reduce((sum, a) => sum + a.byteLength, 0) + this.merchantTable.bytes + this.identTable.bytes;
  }

  has(merchantId: string): boolean {
    return this.findMerchant(merchantId) >= 0;
  }

  statusOf(merchantId: string): MerchantStatus | undefined {
    const m = this.findMerchant(merchantId);
    return m < 0 ? undefined : STATUS_CODES[this.merchantStatus[m] as number];
  }

  /** How many merchants share the component of this one (itself included). */
  componentSizeOf(merchantId: string): number {
    const m = this.findMerchant(merchantId);
    return m < 0 ? 0 : (this.componentSize[this.find(m)] as number);
  }

  /**
   * Adds a merchant with its identifiers, or adds identifiers to a known merchant. Joins its
   * component with every merchant that shares a (non-hub) identifier.
   */
  addMerchant(merchantId: string, identifiers: readonly GraphIdentifier[], status: MerchantStatus = 'ACTIVE'): void {
    let m = this.findMerchant(merchantId);
    if (m < 0) {
      m = this.newMerchant(merchantId, STATUS_INDEX[status]);
    } else if (STATUS_CODES[this.merchantStatus[m] as number] !== status) {
      this.setStatus(merchantId, status);
    }
    for (const identifier of identifiers) {
      const ident = this.identifierId(identifier, true);
      if (this.hasEdge(m, ident)) continue;
      const degreeBefore = this.identDegree[ident] as number;
      // Below the hub degree every merchant of this identifier is already in one component,
      // so joining the most recent one joins them all.
      const other = degreeBefore > 0 && degreeBefore < this.policy.hubDegree ? this.edgeMerchant[this.identEdgeHead[ident] as number] : -1;
      this.addEdge(m, ident);
      if (other !== undefined && other >= 0) this.union(m, other);
    }
  }

  /** Records a status change (sanction imposed or ended, removal, reinstatement). Unknown ids are ignored. */
  setStatus(merchantId: string, status: MerchantStatus): void {
    const m = this.findMerchant(merchantId);
    if (m < 0) return;
    const before = this.merchantStatus[m] as number;
    const after = STATUS_INDEX[status];
    if (before === after) return;
    const root = this.find(m);
    this.removedInComponent[root] = (this.removedInComponent[root] as number) + (after === REMOVED ? 1 : 0) - (before === REMOVED ? 1 : 0);
    this.sanctionedInComponent[root] =
      (this.sanctionedInComponent[root] as number) + (isSanctionedCode(after) ? 1 : 0) - (isSanctionedCode(before) ? 1 : 0);
    this.merchantStatus[m] = after;
  }

  markRemoved(merchantId: string): void {
    this.setStatus(merchantId, 'REMOVED');
  }

  /**
   * Which merchants the identifiers link to, each with the shortest path. Walks only the
   * components that hold a removed or sanctioned merchant, up to `maxHops` identifiers and
   * `maxVisited` nodes; otherwise reports direct links only.
   */
  checkLinks(identifiers: readonly GraphIdentifier[], options: { excludeMerchantId?: string } = {}): RingCheckResult {
    const { hubDegree, maxHops, maxVisited, maxLinks } = this.policy;
    const epoch = this.nextEpoch();
    const reached: number[] = [];
    const matches: RingCheckResult['matches'] = [];
    let truncated = false;

    const excluded = options.excludeMerchantId === undefined ? -1 : this.findMerchant(options.excludeMerchantId);
    if (excluded >= 0) this.merchantStamp[excluded] = epoch;

    // Marks a merchant reached (first time only: breadth-first order makes that the shortest path).
    const reach = (m: number, viaIdent: number, hops: number): boolean => {
      if (this.merchantStamp[m] === epoch) return false;
      this.merchantStamp[m] = epoch;
      this.merchantVia[m] = viaIdent;
      this.merchantHops[m] = hops;
      reached.push(m);
      if (reached.length >= maxVisited) truncated = true;
      return true;
    };

    // Hop 1: direct links through every known, non-hub identifier. Only merchants of components
    // holding a removed or sanctioned merchant go on to be walked.
    let frontier: number[] = [];
    let targets = 0;
    const countedRoots = new Set<number>();
    for (const identifier of identifiers) {
      if (truncated) break;
      const ident = this.identifierId(identifier, false);
      if (ident < 0 || this.identStamp[ident] === epoch) continue;
      this.identStamp[ident] = epoch;
      this.identVia[ident] = -1;
      const degree = this.identDegree[ident] as number;
      const hub = degree > hubDegree;
      matches.push({ identifierKind: identifier.kind, identifierFingerprint: this.identFingerprint(ident), merchantCount: degree, hub });
      if (hub) continue;
      const head = this.identEdgeHead[ident] as number;
      const root = this.find(this.edgeMerchant[head] as number);
      const interesting = (this.removedInComponent[root] as number) + (this.sanctionedInComponent[root] as number);
      if (interesting > 0 && !countedRoots.has(root)) {
        countedRoots.add(root);
        targets += interesting;
      }
      for (let e = head; e >= 0 && !truncated; e = this.nextOfIdent[e] as number) {
        const m = this.edgeMerchant[e] as number;
        if (!reach(m, ident, 1)) continue;
        if (this.isTarget(m)) targets--;
        if (interesting > 0) frontier.push(m);
      }
    }

    // Breadth-first through those components until every removed/sanctioned member is found,
    // the path gets too long or the visit budget runs out.
    for (let hops = 2; hops <= maxHops && frontier.length > 0 && targets > 0 && !truncated; hops++) {
      const next: number[] = [];
      for (const from of frontier) {
        for (let fe = this.merchantEdgeHead[from] as number; fe >= 0 && !truncated; fe = this.nextOfMerchant[fe] as number) {
          const ident = this.edgeIdent[fe] as number;
          if (this.identStamp[ident] === epoch || (this.identDegree[ident] as number) > hubDegree) continue;
          this.identStamp[ident] = epoch;
          this.identVia[ident] = from;
          for (let e = this.identEdgeHead[ident] as number; e >= 0 && !truncated; e = this.nextOfIdent[e] as number) {
            const m = this.edgeMerchant[e] as number;
            if (!reach(m, ident, hops)) continue;
            if (this.isTarget(m)) targets--;
            next.push(m);
          }
        }
        if (truncated) break;
      }
      frontier = next;
    }

    // Removed first, then sanctioned, then the rest; `reached` is in breadth-first order, so
    // each group comes nearest first. Three passes instead of a sort: nothing allocated per node.
    const links: RingLink[] = [];
    for (const wanted of [0, 1, 2]) {
      for (let k = 0; k < reached.length && links.length < maxLinks; k++) {
        const m = reached[k] as number;
        const code = this.merchantStatus[m] as number;
        const group = code === REMOVED ? 0 : isSanctionedCode(code) ? 1 : 2;
        if (group !== wanted) continue;
        links.push({
          merchantId: this.merchantIds[m] as string,
          status: STATUS_CODES[code] as MerchantStatus,
          hops: this.merchantHops[m] as number,
          path: this.pathTo(m),
        });
      }
    }
    return {
      links,
      linkedToRemoved: links.some((l) => l.status === 'REMOVED'),
      linkedToSanctioned: links.some((l) => l.status === 'LISTING_RESTRICTED' || l.status === 'SUSPENDED'),
      matches,
      truncated,
    };
  }

  private isTarget(m: number): boolean {
    const code = this.merchantStatus[m] as number;
    return code === REMOVED || isSanctionedCode(code);
  }

  private pathTo(target: number): RingPathStep[] {
    const steps: RingPathStep[] = [];
    let m = target;
    for (;;) {
      const ident = this.merchantVia[m] as number;
      steps.push({
        identifierKind: IDENTIFIER_KINDS[this.identKind[ident] as number] as IdentifierKind,
        identifierFingerprint: this.identFingerprint(ident),
        merchantId: this.merchantIds[m] as string,
        merchantStatus: STATUS_CODES[this.merchantStatus[m] as number] as MerchantStatus,
      });
      const previous = this.identVia[ident] as number;
      if (previous < 0) break;
      m = previous;
    }
    return steps.reverse();
  }

  private identFingerprint(ident: number): string {
    return hex32(this.identHi[ident] as number) + hex32(this.identLo[ident] as number);
  }

  private nextEpoch(): number {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.merchantStamp.fill(0);
      this.identStamp.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  private findMerchant(merchantId: string): number {
    fingerprint(merchantId);
    // Merchant ids are compared in full: two ids with one fingerprint stay two merchants.
    return this.merchantTable.find(fp.hi, fp.lo, (id) => this.merchantIds[id] === merchantId);
  }

  private newMerchant(merchantId: string, status: number): number {
    const m = this.merchantCount;
    if (m === this.merchantHi.length) this.growMerchants(m * 2);
    fingerprint(merchantId);
    this.merchantHi[m] = fp.hi;
    this.merchantLo[m] = fp.lo;
    this.merchantStatus[m] = status;
    this.merchantEdgeHead[m] = -1;
    this.parent[m] = m;
    this.componentSize[m] = 1;
    this.removedInComponent[m] = status === REMOVED ? 1 : 0;
    this.sanctionedInComponent[m] = isSanctionedCode(status) ? 1 : 0;
    this.merchantIds.push(merchantId);
    this.merchantCount++;
    this.merchantTable.insert(m);
    return m;
  }

  private identifierId(identifier: GraphIdentifier, create: boolean): number {
    fingerprint(`${identifier.kind}:${identifier.key}`);
    const found = this.identTable.find(fp.hi, fp.lo);
    if (found >= 0 || !create) return found;
    const id = this.identifierCount;
    if (id === this.identHi.length) this.growIdentifiers(id * 2);
    this.identHi[id] = fp.hi;
    this.identLo[id] = fp.lo;
    this.identKind[id] = KIND_INDEX[identifier.kind];
    this.identEdgeHead[id] = -1;
    this.identDegree[id] = 0;
    this.identifierCount++;
    this.identTable.insert(id);
    return id;
  }

  private hasEdge(m: number, ident: number): boolean {
    for (let e = this.merchantEdgeHead[m] as number; e >= 0; e = this.nextOfMerchant[e] as number) {
      if (this.edgeIdent[e] === ident) return true;
    }
    return false;
  }

  private addEdge(m: number, ident: number): void {
    const e = this.edgeCount;
    if (e === this.edgeMerchant.length) this.growEdges(e * 2);
    this.edgeMerchant[e] = m;
    this.edgeIdent[e] = ident;
    this.nextOfMerchant[e] = this.merchantEdgeHead[m] as number;
    this.merchantEdgeHead[m] = e;
    this.nextOfIdent[e] = this.identEdgeHead[ident] as number;
    this.identEdgeHead[ident] = e;
    this.identDegree[ident] = (this.identDegree[ident] as number) + 1;
    this.edgeCount++;
  }

  private find(m: number): number {
    let root = m;
    while (this.parent[root] !== root) root = this.parent[root] as number;
    // path compression
    let x = m;
    while (x !== root) {
      const next = this.parent[x] as number;
      this.parent[x] = root;
      x = next;
    }
    return root;
  }

  private union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if ((this.componentSize[ra] as number) < (this.componentSize[rb] as number)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.componentSize[ra] = (this.componentSize[ra] as number) + (this.componentSize[rb] as number);
    this.removedInComponent[ra] = (this.removedInComponent[ra] as number) + (this.removedInComponent[rb] as number);
    this.sanctionedInComponent[ra] = (this.sanctionedInComponent[ra] as number) + (this.sanctionedInComponent[rb] as number);
  }

  private growMerchants(n: number): void {
    this.merchantHi = grown(this.merchantHi, n);
    this.merchantLo = grown(this.merchantLo, n);
    this.merchantStatus = grown(this.merchantStatus, n);
    this.merchantEdgeHead = grown(this.merchantEdgeHead, n, -1);
    this.parent = grown(this.parent, n);
    this.componentSize = grown(this.componentSize, n);
    this.removedInComponent = grown(this.removedInComponent, n);
    this.sanctionedInComponent = grown(this.sanctionedInComponent, n);
    this.merchantStamp = grown(this.merchantStamp, n);
    this.merchantVia = grown(this.merchantVia, n);
    this.merchantHops = grown(this.merchantHops, n);
  }

  private growIdentifiers(n: number): void {
    this.identHi = grown(this.identHi, n);
    this.identLo = grown(this.identLo, n);
    this.identKind = grown(this.identKind, n);
    this.identEdgeHead = grown(this.identEdgeHead, n, -1);
    this.identDegree = grown(this.identDegree, n);
    this.identStamp = grown(this.identStamp, n);
    this.identVia = grown(this.identVia, n);
  }

  private growEdges(n: number): void {
    this.edgeMerchant = grown(this.edgeMerchant, n);
    this.edgeIdent = grown(this.edgeIdent, n);
    this.nextOfMerchant = grown(this.nextOfMerchant, n);
    this.nextOfIdent = grown(this.nextOfIdent, n);
  }
}
