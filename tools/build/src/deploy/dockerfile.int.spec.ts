import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService } from '../artifact/build-service';
import { buildOptionsOf, SERVICE_NAMES } from '../artifact/services';
import { checkDockerfile, parseStages } from './dockerfile-check';

/** The service Dockerfile against each service's build output (no container engine here to build it). */
const root = join(import.meta.dirname, '..', '..', '..', '..');
const DOCKERFILE = join(root, 'deploy', 'docker', 'Dockerfile');

describe('deploy/docker/Dockerfile', () => {
  const out = mkdtempSync(join(tmpdir(), 'govern-dockerfile-'));
  beforeAll(async () => {
    await Promise.all(SERVICE_NAMES.map((service) => buildService(buildOptionsOf(service, join(out, service)))));
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each(SERVICE_NAMES)('builds %s from its artifact: copied files and entry points exist, non-root, no dev dependencies', (service) => {
    expect(checkDockerfile(DOCKERFILE, join(out, service))).toEqual([]);
  });

  it('installs production dependencies in one stage and runs from a distroless final stage', () => {
    const [deps, runtime] = parseStages(readFileSync(DOCKERFILE, 'utf8'));
    expect(deps?.instructions.some((i) => i.getKeyword() === 'RUN' && /npm ci --omit=dev/.test(i.getArgumentsContent() ?? ''))).toBe(true);
    expect(runtime?.instructions.some((i) => i.getKeyword() === 'RUN')).toBe(false);
  });

  describe('catches a broken Dockerfile', () => {
    const write = (text: string): string => {
      const path = join(out, `Dockerfile.${Math.random().toString(36).slice(2)}`);
      writeFileSync(path, text);
      return path;
    };
    it('a copied file the artifact lacks, a root user, a dev install, an unpinned image and a shell-form entry point', () => {
      const path = write(
        ['FROM node:20 AS deps', 'RUN npm ci', 'FROM node AS runtime', 'COPY --from=build /x ./', 'COPY main.js server.js ./', 'USER root', 'HEALTHCHECK CMD node probe.js', 'ENTRYPOINT node main.js'].join('\n'),
      );
      const problems = checkDockerfile(path, join(out, 'content'));
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/deps installs dev dependencies/),
          expect.stringMatching(/base image node is not pinned/),
          expect.stringMatching(/COPY --from=build names no earlier stage/),
          expect.stringMatching(/COPY server.js: not in the build context/),
          expect.stringMatching(/USER root: use a numeric uid/),
          expect.stringMatching(/exec-form ENTRYPOINT/),
          expect.stringMatching(/exec-form HEALTHCHECK/),
        ]),
      );
    });
    it('an entry point or health check script the artifact does not have, uid 0', () => {
      const path = write(['FROM node:20 AS a', 'FROM node:20-slim', 'USER 0:0', 'HEALTHCHECK CMD ["node", "probe.js"]', 'ENTRYPOINT ["node", "server.js"]'].join('\n'));
      expect(checkDockerfile(path, join(out, 'content'))).toEqual([
        'final stage runs as root (uid 0)',
        'ENTRYPOINT runs server.js, which the artifact does not have',
        'HEALTHCHECK runs probe.js, which the artifact does not have',
      ]);
    });
  });
});
