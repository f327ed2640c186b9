import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { ServicePolicy } from './policy';

export interface PolicyCoverage {
  /** Every RPC of the services (of `packagePrefix`) in the descriptor set: `pkg.Service/Method`. */
  rpcs: string[];
  /** RPCs with no rule: they would be refused to everyone. A service's test asserts this is empty. */
  withoutRule: string[];
  /** Rules for RPCs the descriptors do not have (renamed or removed RPCs). */
  unknownRules: string[];
}

/**
 * Lists the RPCs of a FileDescriptorSet (the contracts lib's `descriptorSet`, as the server
 * serves by reflection) against the policy tables. The compile-time check of `definePolicy`
 * already catches most gaps; this one reads the wire contract, so a table registered for the
 * wrong service, or a service added to the server without a table, fails too.
 */
export const checkPolicyCoverage = (descriptorSet: Uint8Array, policies: readonly ServicePolicy[], packagePrefix = 'govern.'): PolicyCoverage => {
  const set = fromBinary(FileDescriptorSetSchema, descriptorSet);
  const rpcs: string[] = [];
  for (const file of set.file) {
    for (const service of file.service) {
      const fullName = file.package ? `${file.package}.${service.name}` : service.name;
      if (!fullName.startsWith(packagePrefix)) continue;
      for (const method of service.method) rpcs.push(`${fullName}/${method.name}`);
    }
  }
  const ruled = new Set(policies.flatMap((policy) => Object.keys(policy.rules).map((method) => `${policy.service}/${method}`)));
  const known = new Set(rpcs);
  return {
    rpcs,
    withoutRule: rpcs.filter((rpc) => !ruled.has(rpc)),
    unknownRules: [...ruled].filter((rpc) => !known.has(rpc)),
  };
};

/** Every RPC a rule does not make public and that no anonymous caller may call: what the negative tests enumerate. */
export const protectedRpcs = (policies: readonly ServicePolicy[]): string[] =>
  policies.flatMap((policy) => Object.entries(policy.rules).filter(([, rule]) => !rule.public).map(([method]) => `${policy.service}/${method}`));

/**
 * The mutations of the descriptor set's services (of `packagePrefix`) whose rule declares no audit
 * `resource`. A mutation is an RPC whose request carries the `request_id` idempotency key (every
 * Govern mutation does, and no read does), read from the wire contract, so a new mutation without
 * a resource fails its service's policy spec. A service's test asserts this is empty.
 */
export const mutationsWithoutResource = (descriptorSet: Uint8Array, policies: readonly ServicePolicy[], packagePrefix = 'govern.'): { mutations: string[]; withoutResource: string[] } => {
  const set = fromBinary(FileDescriptorSetSchema, descriptorSet);
  const withRequestId = new Set<string>();
  for (const file of set.file) {
    for (const message of file.messageType) {
      if (message.field.some((field) => field.name === 'request_id')) withRequestId.add(`.${file.package ? `${file.package}.` : ''}${message.name}`);
    }
  }
  const mutations: string[] = [];
  for (const file of set.file) {
    for (const service of file.service) {
      const fullName = file.package ? `${file.package}.${service.name}` : service.name;
      if (!fullName.startsWith(packagePrefix)) continue;
      for (const method of service.method) if (withRequestId.has(method.inputType)) mutations.push(`${fullName}/${method.name}`);
    }
  }
  const rules = new Map<string, ServicePolicy['rules'][string]>(policies.flatMap((policy) => Object.entries(policy.rules).map(([method, rule]) => [`${policy.service}/${method}`, rule] as const)));
  return {
    mutations,
    withoutResource: mutations.filter((rpc) => {
      const rule = rules.get(rpc);
      return !rule || rule.public || !rule.resource;
    }),
  };
};
