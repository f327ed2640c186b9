export * from './content.service';
export { parseShadowPolicies } from './decisions/shadow-policies';
