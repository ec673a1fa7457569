// Readiness: the database answers.
import { pingDatabase } from "../../../lib/db.js";
import { readiness } from "../../../lib/service.js";

export const dynamic = "force-dynamic";

export async function GET() {
  const { code, body } = await readiness(pingDatabase);
  return Response.json(body, { status: code });
}
