import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { generateFiles, logger, updateJson, type GeneratorCallback, type Tree } from '@nx/devkit';

/**
 * `nx g @govern/tools:service <name>`: a new service with every project a service has
 * (contracts, domain, data-access, service, app), a first resource (an entry: CreateEntry and
 * GetEntry, its table and migration, its EntryCreated event), health, and tests that pass; and
 * the service entered in the registry and in the two places that need code for it (the local
 * platform starts it, the platform clients call it). Everything else that names every service
 * reads the registry. Then: `npm run generate`, and the service's own domain work.
 */
export interface ServiceGeneratorOptions {
  name: string;
  purpose?: string;
}

export interface ServiceNames {
  /** kebab-case: projects, apps, ErrorInfo domain (`logistics-quality`). */
  name: string;
  /** snake_case: proto package, subjects, stream (`logistics_quality`). */
  pkg: string;
  /** camelCase: TypeScript records of every service (`logisticsQuality`). */
  key: string;
  /** PascalCase: types and the gRPC service (`LogisticsQuality`). */
  Pascal: string;
}

const KEBAB = /^[a-z]+(-[a-z]+)*$/;
/** Names taken by scopes and projects that are not services. */
const RESERVED = new Set(['common', 'shared', 'platform', 'policy', 'contracts', 'tools', 'e2e', 'dev', 'dev-platform', 'workspace', 'codegen', 'cli', 'fuzz', 'bench', 'proto', 'google', 'grpc']);

export const serviceNames = (name: string): ServiceNames => {
  if (!KEBAB.test(name)) throw new Error(`service name must be kebab-case letters (like logistics-quality), got "${name}"`);
  if (RESERVED.has(name)) throw new Error(`"${name}" names a part of the workspace that is not a service`);
  const key = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return { name, pkg: name.replaceAll('-', '_'), key, Pascal: key.charAt(0).toUpperCase() + key.slice(1) };
};

const REGISTRY = 'libs/contracts/common/src/service-registry.ts';
const DEV_PLATFORM = 'apps/dev-platform/src/platform.ts';
const PLATFORM_CLIENTS = 'libs/platform/clients/src/platform-clients.ts';
const PLATFORM_MIGRATIONS = 'libs/platform/db/prisma/migrations';

const read = (tree: Tree, path: string): string => {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new Error(`${path} is missing`);
  return text;
};

/** Inserts `text` at the match of `anchor` (its first group's start, or the match's), or says where the generator lost its way. */
const insertAt = (tree: Tree, path: string, anchor: RegExp, text: string, what: string): void => {
  const source = read(tree, path);
  const match = anchor.exec(source);
  if (!match) throw new Error(`${path}: cannot find ${what}; add the service there by hand`);
  const at = match.index + (match[1] === undefined ? 0 : match[0].indexOf(match[1]));
  tree.write(path, source.slice(0, at) + text + source.slice(at));
};

/** The services in the registry, in order. */
export const registeredServices = (tree: Tree): string[] => {
  const block = /SERVICE_REGISTRY = \[([\s\S]*?)\] as const;/.exec(read(tree, REGISTRY))?.[1];
  if (block === undefined) throw new Error(`${REGISTRY}: cannot find SERVICE_REGISTRY`);
  return [...block.matchAll(/\{ name: '([a-z-]+)' \}/g)].map((m) => m[1] as string);
};

/** Platform migrations are applied to every service database, so each service keeps a copy. */
const platformMigrations = (tree: Tree): string[] =>
  tree
    .children(PLATFORM_MIGRATIONS)
    .filter((entry) => tree.exists(`${PLATFORM_MIGRATIONS}/${entry}/migration.sql`))
    .sort();

export const serviceGenerator = async (tree: Tree, options: ServiceGeneratorOptions): Promise<GeneratorCallback> => {
  const names = serviceNames(options.name);
  const { name, pkg, key, Pascal } = names;
  const services = registeredServices(tree);
  if (services.includes(name)) throw new Error(`${name} is in the registry already`);
  for (const root of [`libs/${name}`, `apps/${name}`, `libs/contracts/${name}`, `proto/govern/${pkg}`]) {
    if (tree.exists(root)) throw new Error(`${root} exists already`);
  }
  const migrations = platformMigrations(tree);
  const latest = migrations.at(-1)?.split('_')[0];
  if (!latest) throw new Error(`${PLATFORM_MIGRATIONS} has no migration to copy`);
  const purpose = options.purpose ?? 'governs what its team decides it governs';
  // Ports follow registry order (defaultPortOf): the new service is appended, so it takes the next one.
  const basePort = Number(/DEFAULT_BASE_PORT = (\d+)/.exec(read(tree, REGISTRY))?.[1]);
  generateFiles(tree, join(import.meta.dirname, 'files'), '.', {
    ...names,
    PKG: pkg.toUpperCase(),
    purpose,
    Purpose: purpose.charAt(0).toUpperCase() + purpose.slice(1),
    port: basePort + services.length,
    // After the platform's, so a fresh database gets the platform tables first.
    coreMigration: `${BigInt(latest) + 1n}_${pkg}_core`,
    policyVersion: `${new Date().toISOString().slice(0, 10)}.1`,
  });
  const dataAccess = `libs/${name}/data-access`;
  for (const migration of migrations) {
    tree.write(`${dataAccess}/prisma/migrations/${migration}/migration.sql`, read(tree, `${PLATFORM_MIGRATIONS}/${migration}/migration.sql`));
  }
  tree.write(`${dataAccess}/prisma/migrations/migration_lock.toml`, read(tree, 'libs/content/data-access/prisma/migrations/migration_lock.toml'));

  insertAt(tree, REGISTRY, /SERVICE_REGISTRY = \[[\s\S]*?(\] as const;)/, `  { name: '${name}' },\n`, 'the end of SERVICE_REGISTRY');
  insertAt(tree, DEV_PLATFORM, /SERVICE_STARTERS[^=]*= \{[\s\S]*?(\};)/, `  '${name}': starter(${key}Service),\n`, 'the end of SERVICE_STARTERS');
  insertAt(tree, DEV_PLATFORM, /(import \{[^}]*\} from '@govern\/platform-db';)/, `import { ${key}Service } from '@govern/${name}-service';\n`, 'the platform-db import');
  insertAt(tree, PLATFORM_CLIENTS, /SERVICE_DEFINITIONS = \{[\s\S]*?(\} as const)/, `  ${key}: ${Pascal}ServiceDefinition,\n`, 'the end of SERVICE_DEFINITIONS');
  insertAt(tree, PLATFORM_CLIENTS, /(import \{[^}]*\} from '@govern\/platform-grpc';)/, `import { ${Pascal}ServiceDefinition } from '@govern/contracts-${name}';\n`, 'the platform-grpc import');
  updateJson(tree, 'tsconfig.base.json', (json: { compilerOptions: { paths: Record<string, string[]> } }) => {
    const paths: Record<string, string[]> = {
      ...json.compilerOptions.paths,
      [`@govern/contracts-${name}`]: [`libs/contracts/${name}/src/index.ts`],
      [`@govern/${name}-domain`]: [`libs/${name}/domain/src/index.ts`],
      [`@govern/${name}-data-access`]: [`${dataAccess}/src/index.ts`],
      [`@govern/${name}-service`]: [`libs/${name}/service/src/index.ts`],
    };
    json.compilerOptions.paths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
    return json;
  });

  return () => {
    // The platform tables' Prisma models are linked, not copied, as in every service (the Tree writes no links).
    symlinkSync('../../../../platform/db/prisma/platform.prisma', join(tree.root, dataAccess, 'prisma/schema/platform.prisma'));
    logger.info(`${name} added. Next: npm run generate, then npx vitest run --project ${name}-domain --project ${name}-data-access --project ${name}-service`);
  };
};

export default serviceGenerator;
