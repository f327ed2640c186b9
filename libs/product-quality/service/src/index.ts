export * from './product-quality.service';
export { shadowPoliciesSetting } from './decisions/shadow-policies.setting';
