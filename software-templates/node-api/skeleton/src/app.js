// The HTTP API of ${{ values.name }}: routes only; the database comes in from outside.
import express from "express";

export const SERVICE_NAME = "${{ values.name }}";

/**
 * The Express application.
 * @param {{ pingDatabase: () => Promise<void> }} deps how readiness checks the database
 */
export function createApp({ pingDatabase }) {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "100kb" }));

  // Liveness: the process is up and serving.
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok", service: SERVICE_NAME });
  });

  // Readiness: the service's dependencies answer.
  app.get("/readyz", async (_req, res) => {
    try {
      await pingDatabase();
      res.json({ status: "ready", service: SERVICE_NAME });
    } catch {
      res.status(503).json({ status: "unavailable", detail: "database unavailable" });
    }
  });

  return app;
}
