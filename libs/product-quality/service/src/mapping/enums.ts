import {
  AppealOutcome,
  AppealStatus,
  BanCause,
  BanStatus,
  CampaignStatus,
  DefectClass,
  InspectionLevel,
  IpComplaintKind,
  IpComplaintOutcome,
  IpComplaintStatus,
  LabVerdict,
  ListingAction,
  ListingDecision,
  LotDisposition,
  ProductStatus,
  QualityTier,
  SampleStatus,
  SamplingSeverity,
  SelectionBasis,
  UnbanCause,
} from '@govern/contracts-product-quality';

/**
 * Proto enums <-> the short names the domain and the database use. ts-proto enums are numeric
 * with a reverse mapping (`QualityTier[1] === 'QUALITY_TIER_EXCELLENT'`), so one codec per enum
 * strips or adds its prefix; UNSPECIFIED and unknown numbers read as undefined.
 */
export interface EnumCodec<Name extends string> {
  toProto(name: Name): number;
  fromProto(value: number): Name | undefined;
  readonly names: readonly Name[];
}

const enumCodec = <Name extends string>(protoEnum: Record<string, string | number>, prefix: string, names: readonly Name[], aliases: Partial<Record<Name, string>> = {}): EnumCodec<Name> => {
  const protoName = (name: Name): string => `${prefix}${aliases[name] ?? name}`;
  const byProto = new Map<number, Name>(names.map((name) => [protoEnum[protoName(name)] as number, name]));
  for (const name of names) {
    if (typeof protoEnum[protoName(name)] !== 'number') throw new Error(`${prefix}${name} is not in the proto enum`);
  }
  return {
    names,
    toProto: (name) => protoEnum[protoName(name)] as number,
    fromProto: (value) => byProto.get(value),
  };
};

export const listingDecisions = enumCodec(ListingDecision, 'LISTING_DECISION_', ['APPROVED', 'REJECTED'] as const);
export const listingActions = enumCodec(ListingAction, 'LISTING_ACTION_', ['PUBLISH', 'EDIT'] as const);
export const productStatuses = enumCodec(ProductStatus, 'PRODUCT_STATUS_', ['ACTIVE', 'BANNED'] as const);
export const qualityTiers = enumCodec(QualityTier, 'QUALITY_TIER_', ['EXCELLENT', 'GOOD', 'FAIR', 'POOR'] as const);
export const banCauses = enumCodec(BanCause, 'BAN_CAUSE_', ['LAB_CRITICAL', 'MERCHANT_REMOVED', 'MANUAL', 'IP_TAKEDOWN', 'RE_UPLOAD'] as const);
export const banStatuses = enumCodec(BanStatus, 'BAN_STATUS_', ['ACTIVE', 'UNDER_APPEAL', 'LIFTED'] as const);
export const unbanCauses = enumCodec(UnbanCause, 'UNBAN_CAUSE_', ['MANUAL', 'APPEAL_OVERTURNED', 'IP_RESTORED', 'MERCHANT_REINSTATED'] as const);
export const appealStatuses = enumCodec(AppealStatus, 'APPEAL_STATUS_', ['PENDING', 'UPHELD', 'OVERTURNED'] as const);
export const appealOutcomes = enumCodec(AppealOutcome, 'APPEAL_OUTCOME_', ['UPHOLD', 'OVERTURN'] as const);
export const campaignStatuses = enumCodec(CampaignStatus, 'CAMPAIGN_STATUS_', ['DRAFT', 'PLANNED', 'COMPLETED'] as const);
export const selectionBases = enumCodec(SelectionBasis, 'SELECTION_BASIS_', ['RISK_WEIGHTED', 'RANDOM_FLOOR'] as const);
export const sampleStatuses = enumCodec(SampleStatus, 'SAMPLE_STATUS_', ['SELECTED', 'PASSED', 'FAILED'] as const);
export const defectClasses = enumCodec(DefectClass, 'DEFECT_CLASS_', ['CRITICAL', 'MAJOR', 'MINOR'] as const);
export const labVerdicts = enumCodec(LabVerdict, 'LAB_VERDICT_', ['PASS', 'FAIL'] as const);
export const inspectionLevels = enumCodec(InspectionLevel, 'INSPECTION_LEVEL_', ['S-1', 'S-2', 'S-3', 'S-4', 'I', 'II', 'III'] as const, {
  'S-1': 'S1',
  'S-2': 'S2',
  'S-3': 'S3',
  'S-4': 'S4',
  I: 'GENERAL_I',
  II: 'GENERAL_II',
  III: 'GENERAL_III',
});
/** The domain's STOPPED stage is the proto's DISCONTINUED severity. */
export const samplingStages = enumCodec(SamplingSeverity, 'SAMPLING_SEVERITY_', ['NORMAL', 'TIGHTENED', 'REDUCED', 'STOPPED'] as const, {
  STOPPED: 'DISCONTINUED',
});
export const lotDispositions = enumCodec(LotDisposition, 'LOT_DISPOSITION_', ['ACCEPTED', 'REJECTED'] as const);
export const ipComplaintKinds = enumCodec(IpComplaintKind, 'IP_COMPLAINT_KIND_', ['TRADEMARK', 'COUNTERFEIT', 'COPYRIGHT', 'PATENT'] as const);
export const ipComplaintStatuses = enumCodec(IpComplaintStatus, 'IP_COMPLAINT_STATUS_', ['REJECTED', 'TAKEN_DOWN', 'COUNTER_NOTICED', 'UPHELD', 'RESTORED'] as const);
export const ipComplaintOutcomes = enumCodec(IpComplaintOutcome, 'IP_COMPLAINT_OUTCOME_', ['UPHOLD', 'RESTORE'] as const);

/** A stored short name read back; a value outside the codec is a bug in our own writes. */
export const stored = <Name extends string>(codec: EnumCodec<Name>, value: string): Name => {
  if (!(codec.names as readonly string[]).includes(value)) throw new Error(`unexpected stored value "${value}"`);
  return value as Name;
};
