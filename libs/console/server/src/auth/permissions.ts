import { ConsumerExperienceServiceDefinition } from '@govern/contracts-consumer-experience';
import { ContentServiceDefinition } from '@govern/contracts-content';
import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import { decide, SERVICE_POLICIES, PolicyTable, type Caller } from '@govern/platform-auth';

/**
 * What an operator's roles allow, read from the services' own authorization tables (the same
 * rules their middleware enforces), so the console shows and offers exactly what the services
 * will accept. The console checks too, but it is not the guard: the services are.
 */
const TABLE = new PolicyTable(SERVICE_POLICIES);

const DEFINITIONS = {
  content: ContentServiceDefinition,
  productQuality: ProductQualityServiceDefinition,
  merchantAccess: MerchantAccessServiceDefinition,
  consumerExperience: ConsumerExperienceServiceDefinition,
} as const;

export type ServiceKey = keyof typeof DEFINITIONS;
type MethodsOf<Key extends ServiceKey> = (typeof DEFINITIONS)[Key]['methods'];
/** An RPC's name as the proto spells it, e.g. `DecideReviewCase`: a typo is a compile error. */
export type RpcName<Key extends ServiceKey> = MethodsOf<Key>[keyof MethodsOf<Key>] extends { name: infer N } ? N : never;

export interface Permissions {
  /** Whether the operator may call the RPC. */
  can<Key extends ServiceKey>(service: Key, rpc: RpcName<Key>): boolean;
}

export const permissionsOf = (subject: string, roles: readonly string[]): Permissions => {
  const caller: Caller = { kind: 'person', subject, roles };
  return {
    can(service, rpc) {
      return decide(TABLE.ruleOf(`/${DEFINITIONS[service].fullName}/${String(rpc)}`), caller).allowed;
    },
  };
};

/** Nobody signed in: nothing is allowed. */
export const NO_PERMISSIONS: Permissions = { can: () => false };
