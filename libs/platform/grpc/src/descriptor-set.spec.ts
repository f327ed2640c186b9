import { commonDescriptorSet } from '@govern/contracts-common';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { mergeDescriptorSets } from './descriptor-set';

const file = (name: string, pkg: string, services: string[] = [], extra = ''): Uint8Array => {
  const writer = new BinaryWriter().tag(1, WireType.LengthDelimited).string(name).tag(2, WireType.LengthDelimited).string(pkg);
  for (const service of services) {
    writer.tag(6, WireType.LengthDelimited).bytes(new BinaryWriter().tag(1, WireType.LengthDelimited).string(service).finish());
  }
  if (extra) writer.tag(8, WireType.LengthDelimited).string(extra); // options: any other field
  return writer.finish();
};

const set = (...files: Uint8Array[]): Uint8Array => {
  const writer = new BinaryWriter();
  for (const f of files) writer.tag(1, WireType.LengthDelimited).bytes(f);
  return writer.finish();
};

describe('mergeDescriptorSets', () => {
  const common = file('govern/common/v1/common.proto', 'govern.common.v1');
  const health = file('grpc/health/v1/health.proto', 'grpc.health.v1', ['Health']);
  const content = file('govern/content/v1/content_service.proto', 'govern.content.v1', ['ContentService']);

  it('keeps each file once: service sets repeat the shared files they import', () => {
    const merged = mergeDescriptorSets([set(common, health), set(common, content)]);
    expect(merged.files.map((f) => f.name)).toEqual(['govern/common/v1/common.proto', 'grpc/health/v1/health.proto', 'govern/content/v1/content_service.proto']);
    expect(merged.conflicts).toEqual([]);
    expect(merged.bytes).toEqual(set(common, health, content));
  });

  it('names the services each file declares, with their package', () => {
    const merged = mergeDescriptorSets([set(health, content)]);
    expect(merged.files.flatMap((f) => f.services)).toEqual(['grpc.health.v1.Health', 'govern.content.v1.ContentService']);
  });

  it('reports a file that two sets disagree on, keeping the first', () => {
    const changed = file('govern/common/v1/common.proto', 'govern.common.v1', [], 'go_package');
    const merged = mergeDescriptorSets([set(common), set(changed)]);
    expect(merged.conflicts).toEqual(['govern/common/v1/common.proto']);
    expect(merged.files[0]?.bytes).toEqual(common);
  });

  it('reads a real codegen set: each file once, byte for byte', () => {
    const once = mergeDescriptorSets([commonDescriptorSet]);
    const twice = mergeDescriptorSets([commonDescriptorSet, commonDescriptorSet]);
    expect(twice.files.map((f) => f.name)).toEqual(once.files.map((f) => f.name));
    expect(new Set(once.files.map((f) => f.name)).size).toBe(once.files.length);
    expect(once.files.map((f) => f.name)).toContain('google/rpc/error_details.proto');
    expect(once.files.flatMap((f) => f.services).sort()).toEqual(['govern.ops.v1.GovernanceOpsService', 'grpc.health.v1.Health']);
    expect(Buffer.from(twice.bytes).equals(Buffer.from(commonDescriptorSet))).toBe(true);
  });

  it('merges nothing into an empty set', () => {
    expect(mergeDescriptorSets([])).toEqual({ bytes: new Uint8Array(), files: [], conflicts: [] });
  });
});
