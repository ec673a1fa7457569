// What the health routes say about the service.
export const SERVICE_NAME = "${{ values.name }}";

export function health() {
  return { status: "ok", service: SERVICE_NAME };
}

/** Readiness: `ping` resolves when the database answers. */
export async function readiness(ping) {
  try {
    await ping();
    return { code: 200, body: { status: "ready", service: SERVICE_NAME } };
  } catch {
    return { code: 503, body: { status: "unavailable", detail: "database unavailable" } };
  }
}
