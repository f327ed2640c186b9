import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';

/**
 * Checks a service Dockerfile against the artifact it is built from, since no container
 * engine can build it here: every file it copies from the build context exists, copies
 * between stages name an earlier stage, the entry point and the health check run files the
 * artifact has, the final stage runs as a numeric non-root user (so Kubernetes can verify
 * runAsNonRoot) and installs no dev dependencies, and base images are pinned to a tag.
 */
export interface DockerfileStage {
  name: string | null;
  image: string | null;
  instructions: Instruction[];
}

export const parseStages = (content: string): DockerfileStage[] => {
  const dockerfile = DockerfileParser.parse(content);
  const stages: DockerfileStage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile.getFROMs().find((candidate) => candidate.getRange().start.line === instruction.getRange().start.line);
      stages.push({ name: from?.getBuildStage() ?? null, image: from?.getImage() ?? null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
};

/** The arguments of an exec-form instruction (`["node", "main.js"]`), or null for shell form. */
const execForm = (instruction: Instruction): string[] | null => {
  const content = instruction.getArgumentsContent()?.trim() ?? '';
  const json = instruction.getKeyword() === 'HEALTHCHECK' ? content.replace(/^(--\S+\s+)*CMD\s+/s, '') : content;
  if (!json.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(json.replace(/\\\n/g, ''));
    return Array.isArray(parsed) && parsed.every((part) => typeof part === 'string') ? parsed : null;
  } catch {
    return null;
  }
};

/** The `.js` file an exec form runs with node (the first argument ending in .js). */
const scriptOf = (args: readonly string[]): string | undefined => args.find((arg) => arg.endsWith('.js'));

export const checkDockerfile = (dockerfilePath: string, contextDir: string): string[] => {
  const problems: string[] = [];
  const stages = parseStages(readFileSync(dockerfilePath, 'utf8'));
  if (stages.length < 2) problems.push(`expected a multi-stage build, found ${stages.length} stage(s)`);
  const final = stages.at(-1);
  if (!final) return [...problems, 'no FROM'];

  for (const [index, stage] of stages.entries()) {
    const label = stage.name ?? `stage ${index}`;
    if (!stage.image || !/:[^/]+$/.test(stage.image.replace(/\$\{[^}]+\}/g, 'x')) || stage.image.endsWith(':latest')) {
      problems.push(`${label}: base image ${stage.image ?? '?'} is not pinned to a tag`);
    }
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'ADD') problems.push(`${label}: ADD fetches or unpacks implicitly; use COPY`);
      if (keyword !== 'COPY' || !(instruction instanceof Copy)) continue;
      const from = instruction.getFromFlag()?.getValue();
      const sources = instruction.getArguments().map((argument) => argument.getValue()).slice(0, -1);
      if (from) {
        const earlier = stages.slice(0, index).map((candidate) => candidate.name);
        if (!earlier.includes(from)) problems.push(`${label}: COPY --from=${from} names no earlier stage`);
      } else {
        for (const source of sources) if (!existsSync(join(contextDir, source))) problems.push(`${label}: COPY ${source}: not in the build context`);
      }
    }
  }

  for (const stage of stages) {
    for (const instruction of stage.instructions) {
      const content = instruction.getArgumentsContent() ?? '';
      if (instruction.getKeyword() === 'RUN' && /\bnpm (ci|install|i)\b/.test(content) && !/--omit=dev/.test(content)) {
        problems.push(`${stage.name ?? 'a stage'} installs dev dependencies: RUN ${content}`);
      }
    }
  }

  const users = final.instructions.filter((instruction) => instruction.getKeyword() === 'USER');
  const user = users.at(-1)?.getArgumentsContent()?.trim();
  if (!user) problems.push('final stage sets no USER (it would run as root)');
  else if (!/^\d+(:\d+)?$/.test(user)) problems.push(`USER ${user}: use a numeric uid so Kubernetes can verify runAsNonRoot`);
  else if (user.split(':')[0] === '0') problems.push('final stage runs as root (uid 0)');

  const entrypoint = final.instructions.filter((instruction) => instruction.getKeyword() === 'ENTRYPOINT').at(-1);
  const entry = entrypoint ? execForm(entrypoint) : null;
  const entryScript = entry ? scriptOf(entry) : undefined;
  if (!entry) problems.push('final stage needs an exec-form ENTRYPOINT (so SIGTERM reaches node, not a shell)');
  else if (!entryScript || !existsSync(join(contextDir, entryScript))) problems.push(`ENTRYPOINT runs ${entryScript ?? 'no script'}, which the artifact does not have`);

  const healthcheck = final.instructions.filter((instruction) => instruction.getKeyword() === 'HEALTHCHECK').at(-1);
  const probe = healthcheck ? execForm(healthcheck) : null;
  const probeScript = probe ? scriptOf(probe) : undefined;
  if (!probe) problems.push('final stage needs an exec-form HEALTHCHECK CMD');
  else if (!probeScript || !existsSync(join(contextDir, probeScript))) problems.push(`HEALTHCHECK runs ${probeScript ?? 'no script'}, which the artifact does not have`);

  const packageJson = JSON.parse(readFileSync(join(contextDir, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  if (packageJson.devDependencies && Object.keys(packageJson.devDependencies).length > 0) problems.push('the artifact package.json has devDependencies');
  return problems;
};
