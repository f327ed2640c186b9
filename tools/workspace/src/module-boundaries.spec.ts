import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The lint rules that keep services apart must bite: these snippets are linted as if
 * they sat in real projects, and the forbidden ones must be reported.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

const boundaryErrors = async (filePath: string, code: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
};

describe('module boundaries', () => {
  it('forbids a service importing another service’s libs', async () => {
    const errors = await boundaryErrors(
      'libs/content/domain/src/probe.ts',
      `import { ONBOARDING_POLICY } from '@govern/merchant-access-domain';\nexport const p = ONBOARDING_POLICY;\n`,
    );
    expect(errors.join('\n')).toMatch(/scope:content/);
  });

  it('forbids infrastructure packages in domain libs', async () => {
    const errors = await boundaryErrors('libs/content/domain/src/probe.ts', `import { PrismaClient } from '@prisma/client';\nexport const c = PrismaClient;\n`);
    expect(errors.join('\n')).toMatch(/@prisma\/client/);
  });

  it('forbids deep imports past a lib’s index', async () => {
    const errors = await boundaryErrors('libs/content/domain/src/probe.ts', `import { climbLadder } from '@govern/policy-core/src/decision';\nexport const c = climbLadder;\n`);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('allows a domain lib to use the shared pure libs', async () => {
    const errors = await boundaryErrors('libs/content/domain/src/probe.ts', `import { climbLadder } from '@govern/policy-core';\nexport const c = climbLadder;\n`);
    expect(errors).toEqual([]);
  });
});
