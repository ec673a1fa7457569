// The database through Prisma: one client per server process, created on first use.
let client;

export async function prisma() {
  if (!client) {
    const { PrismaClient } = await import("@prisma/client");
    client = new PrismaClient();
  }
  return client;
}

export async function pingDatabase() {
  const db = await prisma();
  await db.$queryRaw`SELECT 1`;
}
