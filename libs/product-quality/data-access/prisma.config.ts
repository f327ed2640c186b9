import { defineConfig } from 'prisma/config';

// Generate runs offline through tools/db/prisma.ts; migrations apply with tools/db/migrate.ts
// (or `prisma migrate deploy` where the schema engine is installed).
export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
});
