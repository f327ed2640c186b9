#!/bin/sh
# Stand-in for Prisma's schema-engine binary on machines without internet, where the CLI
# cannot download it. `prisma generate` never calls the engine, so it runs; any command
# that does need it (migrate dev/diff, db push) stops here with a clear message.
echo "The Prisma schema engine is not installed on this machine (it is downloaded from the internet)." >&2
echo "Apply migrations with: npx tsx tools/db/migrate.ts <service>   (same files, same _prisma_migrations table)" >&2
exit 1
