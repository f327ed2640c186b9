import type { BuildOptions } from './build-service';

/** The deployable services and how each is built (the same arguments as their `build` targets). */
export const SERVICE_NAMES = ['content', 'product-quality', 'merchant-access', 'consumer-experience'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const buildOptionsOf = (service: ServiceName, out: string): BuildOptions => ({
  project: service,
  projectRoot: `apps/${service}`,
  main: `apps/${service}/src/main.ts`,
  migrations: `libs/${service}/data-access/prisma/migrations`,
  out,
});
