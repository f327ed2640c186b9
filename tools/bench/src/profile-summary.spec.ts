import { describe, expect, it } from 'vitest';
import { layerOf, ownerOf, summarise } from './profile-summary';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

describe('profile summary', () => {
  it('names who ran a frame: a package, a Node module, V8 or a project folder', () => {
    expect(ownerOf(frame('query', 'file:///w/node_modules/@prisma/client/runtime/client.js'))).toBe('@prisma/client');
    expect(ownerOf(frame('parse', 'file:///w/node_modules/pg-protocol/dist/parser.js'))).toBe('pg-protocol');
    expect(ownerOf(frame('respond', 'node:internal/http2/core'))).toBe('node:http2');
    expect(ownerOf(frame('(garbage collector)', ''))).toBe('(garbage collector)');
    expect(ownerOf(frame('writev', ''))).toBe('(native)');
    expect(ownerOf(frame('submit', 'file:///w/libs/platform/db/src/pg-transaction.ts'))).toBe('libs/platform/db');
  });

  it('puts owners in the layers a call passes through', () => {
    expect(layerOf('@prisma/client')).toBe('Prisma (client, query compiler, adapter)');
    expect(layerOf('wasm://wasm/00d1cb12')).toBe('Prisma (client, query compiler, adapter)');
    expect(layerOf('pg')).toBe('node-postgres');
    expect(layerOf('libs/contracts/merchant-access')).toBe('protobuf encoding');
    expect(layerOf('libs/platform/observability')).toBe('tracing and metrics');
    expect(layerOf('libs/merchant-access/service')).toBe('Govern code');
    expect(layerOf('(native)')).toBe('other (native I/O, Node internals)');
  });

  it('sums self time per owner after the start-up mark, idle apart', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('query', 'file:///w/node_modules/@prisma/client/c.js') },
        { id: 4, callFrame: frame('decide', 'file:///w/libs/product-quality/domain/src/gate.ts') },
      ],
      // µs since the previous sample: 5 ms of start-up in `decide`, then 1 ms idle, 3 ms Prisma, 1 ms decide.
      samples: [4, 2, 3, 3, 3, 4],
      timeDeltas: [5_000, 1_000, 1_000, 1_000, 1_000, 1_000],
    };
    const all = summarise(profile, 5);
    expect(all.busyMs).toBe(9);
    expect(all.idleMs).toBe(1);
    const afterStart = summarise(profile, 5, 5);
    expect(afterStart.busyMs).toBe(4);
    expect(afterStart.byOwner).toEqual([
      { owner: '@prisma/client', ms: 3 },
      { owner: 'libs/product-quality/domain', ms: 1 },
    ]);
    expect(afterStart.topFunctions[0]).toMatchObject({ owner: '@prisma/client', ms: 3 });
  });

  it('counts a sample at most the largest gap given, the rest as off CPU', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('next', 'node:internal/per_context/primordials') },
        { id: 3, callFrame: frame('decide', 'file:///w/libs/product-quality/domain/src/gate.ts') },
      ],
      // 1 ms samples in `decide`, and one that arrives 1.5 s late in `next` (the process waited for a core).
      samples: [3, 3, 2, 3],
      timeDeltas: [1_000, 1_000, 1_500_000, 1_000],
    };
    const uncapped = summarise(profile, 5);
    expect(uncapped.busyMs).toBe(1_503);
    expect(uncapped.offCpuMs).toBe(0);
    const capped = summarise(profile, 5, 0, 3);
    expect(capped.busyMs).toBe(6);
    expect(capped.offCpuMs).toBe(1_497);
    expect(capped.byOwner).toEqual([
      { owner: 'libs/product-quality/domain', ms: 3 },
      { owner: 'node:per_context', ms: 3 },
    ]);
  });
});
