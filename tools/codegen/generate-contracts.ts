/**
 * Generates one contracts lib from its protos with buf + ts-proto (both from node_modules,
 * so it runs offline). Each service's protos become `libs/contracts/<service>`; imports of
 * shared protos (govern.common, google.*, grpc.health) are mapped to `@govern/contracts-common`
 * so the service libs stay separate Nx projects and `nx affected` can tell them apart.
 *
 * Usage: tsx tools/codegen/generate-contracts.ts <common|content|product-quality|merchant-access|consumer-experience>
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const target = process.argv[2];

const SHARED_PROTO_DIRS = ['proto/govern/common', 'proto/google', 'proto/grpc'];
const SHARED_IMPORTS = [
  'govern/common/v1/common.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
  'google/protobuf/timestamp.proto',
  'google/protobuf/duration.proto',
  'google/protobuf/any.proto',
  'google/protobuf/empty.proto',
  'grpc/health/v1/health.proto',
];

const TS_PROTO_OPTIONS = [
  'esModuleInterop=true',
  'env=node',
  // nice-grpc on top of grpc-js: promise/async-iterable handlers and clients, AbortSignal deadlines.
  'outputServices=nice-grpc',
  'outputServices=generic-definitions',
  'forceLong=bigint',
  'useDate=true',
  'useOptionals=messages',
  'exportCommonSymbols=false',
];

if (!target) {
  console.error('usage: generate-contracts <common|service-name>');
  process.exit(2);
}

const isShared = target === 'common';
const protoDirs = isShared ? SHARED_PROTO_DIRS : [`proto/govern/${target.replaceAll('-', '_')}`];
const outDir = join(root, 'libs', 'contracts', target, 'src', 'gen');
const options = isShared
  ? TS_PROTO_OPTIONS
  : [...TS_PROTO_OPTIONS, ...SHARED_IMPORTS.map((file) => `M${file}=@govern/contracts-common`)];

const plugins = [{ local: join(root, 'node_modules/.bin/protoc-gen-ts_proto'), out: outDir, strategy: 'all', opt: options }];
const template = JSON.stringify({ version: 'v2', plugins });

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const pathArgs = protoDirs.flatMap((dir) => ['--path', dir]);
execFileSync(join(root, 'node_modules/.bin/buf'), ['generate', '--template', template, ...(isShared ? ['--include-wkt', '--include-imports'] : []), ...pathArgs], {
  cwd: root,
  stdio: 'inherit',
});

// A single barrel per lib: every generated module, re-exported from src/gen/index.ts.
const modules: string[] = [];
const walk = (dir: string): void => {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (entry.endsWith('.ts') && entry !== 'index.ts') modules.push(`./${relative(outDir, path).replace(/\.ts$/, '')}`);
  }
};
walk(outDir);
writeFileSync(join(outDir, 'index.ts'), modules.map((m) => `export * from '${m}';`).join('\n') + '\n');

// The file descriptor set feeds gRPC server reflection at run time.
execFileSync(join(root, 'node_modules/.bin/buf'), ['build', '--as-file-descriptor-set', '-o', join(outDir, 'descriptor-set.binpb'), ...pathArgs], {
  cwd: root,
  stdio: 'inherit',
});
console.log(`generated ${modules.length} modules into ${relative(root, outDir)}`);
