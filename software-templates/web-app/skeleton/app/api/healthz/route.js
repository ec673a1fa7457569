// Liveness: the server is up and serving.
import { health } from "../../../lib/service.js";

export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(health());
}
