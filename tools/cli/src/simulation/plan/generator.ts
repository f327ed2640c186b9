import { bankCardFor, creditCodeFor, mobileFor, residentIdFor } from '@govern/platform-testing';
import { Dice, hash32 } from '../random';
import {
  BANKS,
  BRAND_SYLLABLES,
  GIVEN_NAMES,
  REGIONS,
  ROADS,
  SURNAMES,
  TRADES,
  type Region,
  type Trade,
} from '../vocabulary';
import type { ApplicantProfile, ApplicationSpec, ScenarioOptions } from './types';

export const pad = (n: number, width: number): string => String(n).padStart(width, '0');
export const yuanToFen = (yuan: number): bigint => BigInt(Math.round(yuan * 100));

/** Ids, seeded streams and applicants of one run. */
export class Generator {
  readonly prefix: string;
  private readonly options: ScenarioOptions;
  private applicantIndex = 0;
  /** Identities of a run under another id prefix are offset, so they link to nothing of the first run. */
  private readonly identityOffset: number;

  constructor(options: ScenarioOptions) {
    this.options = options;
    this.prefix = options.idPrefix ?? `sim${options.seed}`;
    this.identityOffset = options.idPrefix === undefined ? 0 : (1 + (hash32(options.idPrefix) % 9_000)) * 10_000;
  }

  /**
   * A seeded stream. Under an id prefix the streams differ too: a run re-using the first run's
   * media fingerprints, image hashes or titles would be judged a re-post or re-upload of it.
   */
  dice(stream: string): Dice {
    return new Dice(this.options.seed, this.options.idPrefix === undefined ? stream : `${this.options.idPrefix}:${stream}`);
  }

  id(kind: string, n: number, width = 5): string {
    return `${this.prefix}-${kind}-${pad(n, width)}`;
  }

  personName(d: Dice): string {
    return d.pick(SURNAMES) + d.pick(GIVEN_NAMES);
  }

  /** A complete application with identifiers no other applicant of the run shares. */
  application(d: Dice, profile: ApplicantProfile, trade: Trade | undefined): ApplicationSpec {
    const index = this.identityOffset + this.applicantIndex++;
    const seed = this.options.seed;
    const region: Region = d.pick(REGIONS);
    const individual = profile === 'clean' && d.chance(0.2);
    const brand = d.pick(BRAND_SYLLABLES) + d.pick(BRAND_SYLLABLES);
    const tradeWord = trade?.word ?? d.pick(['商贸', '电子商务', '供应链', '贸易']);
    const companyName = individual ? `${region.district}${brand}${tradeWord}店` : `${region.city.replace('市', '')}${brand}${tradeWord}有限公司`;
    const rep = this.personName(d);
    // Birth date and sequence spread over the index: no two applicants share an ID number.
    const birth = { year: 1965 + (Math.floor(index / 336) % 34), month: 1 + (Math.floor(index / 28) % 12), day: 1 + (index % 28) };
    return {
      companyName,
      businessLicenceCode: creditCodeFor(seed * 100_003 + index, region.code, individual ? '2' : '1'),
      legalRepresentative: { name: rep, idNumber: residentIdFor(index, region.code, birth) },
      contactPhone: mobileFor(index, seed),
      bankAccount: { accountNumber: bankCardFor(index, seed), bankName: d.pick(BANKS), accountHolder: individual ? rep : companyName },
      deviceIds: [`dev-${this.prefix}-${d.hex(12)}-${pad(index, 5)}`],
      address: {
        regionCode: region.code,
        province: region.province,
        city: region.city,
        district: region.district,
        line: `${d.pick(ROADS)}${(index % 9_999) + 1}号${d.int(1, 20)}栋${d.int(1, 30)}0${d.int(1, 9)}室`,
      },
      categoryCodes: trade ? [trade.category] : ['general'],
      qualifications: trade?.qualification ? [this.qualification(d, trade.qualification, region)] : [],
      registeredCapitalFen: individual ? 0n : yuanToFen(d.pick([100_000, 500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000])),
    };
  }

  qualification(d: Dice, code: string, region: Region): { qualificationCode: string; number: string; issuer: string } {
    const prefix = code === 'FOOD_BUSINESS_LICENCE' ? 'JY1' : code === 'COSMETICS_FILING' ? `${region.province.slice(0, 1)}妆网备字` : 'QL';
    return { qualificationCode: code, number: `${prefix}${region.code}${pad(d.int(0, 99_999_999), 8)}`, issuer: `${region.city}市场监督管理局` };
  }
}

export const tradeOf = (category: string | undefined): Trade => TRADES.find((t) => t.category === category) ?? (TRADES[0] as Trade);
