import { defineConfig } from 'prisma/config';

// Offline: see tools/db/prisma.ts. The URL is only needed by engine commands, not generate.
export default defineConfig({
  schema: 'prisma/test-schema',
  migrations: { path: 'prisma/migrations' },
});
