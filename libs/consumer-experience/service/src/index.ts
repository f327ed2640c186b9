export * from './consumer-experience.service';
export { parseShadowPolicies } from './decisions/shadow-policies';
