import { defineConfig } from 'prisma/config';

// Offline: see tools/db/prisma.ts. Only `generate` runs here (the test client); the tables
// come from libs/platform/db's migrations, which every service copies.
export default defineConfig({
  schema: 'prisma/test-schema',
  migrations: { path: '../db/prisma/migrations' },
});
