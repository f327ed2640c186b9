/**
 * The services of the platform, in one list. Everything that names every service reads it:
 * the lint rules that keep services apart, the event streams (`streamOf`), the local platform
 * (`npm start`), the platform clients and the `govern` CLI, the end-to-end harness and the
 * workspace checks. `nx g @govern/tools:service <name>` adds an entry (and the projects).
 *
 * The order is the order of default ports: the first service listens on DEFAULT_BASE_PORT,
 * the next one port up, and so on (`npm start`, each app's default PORT, the CLI's defaults).
 * Keep this file free of imports: eslint.config.ts reads it too.
 */
export const SERVICE_REGISTRY = [
  { name: 'content' },
  { name: 'product-quality' },
  { name: 'merchant-access' },
  { name: 'consumer-experience' },
] as const;

/** Kebab-case name of a service: its projects, apps and ErrorInfo domain (`merchant-access`). */
export type ServiceName = (typeof SERVICE_REGISTRY)[number]['name'];

type SnakeCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}_${SnakeCase<Tail>}` : S;
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** The service's segment of proto packages, event subjects and stream names (`merchant_access`). */
export type ServicePackage = SnakeCase<ServiceName>;
/** The service's key in TypeScript records of every service (`merchantAccess`). */
export type ServiceKey = CamelCase<ServiceName>;

export const SERVICE_NAMES: readonly ServiceName[] = SERVICE_REGISTRY.map((service) => service.name);

/** The port of the first service; the others follow in registry order. */
export const DEFAULT_BASE_PORT = 50051;

export const isServiceName = (name: string): name is ServiceName => (SERVICE_NAMES as readonly string[]).includes(name);

export const servicePackage = <N extends ServiceName>(name: N): SnakeCase<N> => name.replaceAll('-', '_') as SnakeCase<N>;

export const serviceKey = <N extends ServiceName>(name: N): CamelCase<N> =>
  name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase()) as CamelCase<N>;

/** Fully-qualified gRPC service: `govern.merchant_access.v1.MerchantAccessService`. */
export const grpcServiceName = (name: ServiceName): string => {
  const key = serviceKey(name);
  return `govern.${servicePackage(name)}.v1.${key.charAt(0).toUpperCase()}${key.slice(1)}Service`;
};

/** Where a service listens unless told otherwise (`npm start`, its app, the CLI's defaults). */
export const defaultPortOf = (name: ServiceName): number => DEFAULT_BASE_PORT + SERVICE_NAMES.indexOf(name);
