// The health routes answer as the orchestrator expects.
import assert from "node:assert/strict";
import { test } from "node:test";

import { GET } from "../app/api/healthz/route.js";
import { readiness } from "../lib/service.js";

test("healthz answers ok", async () => {
  const response = GET();
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "ok", service: "${{ values.name }}" });
});

test("readiness follows the database", async () => {
  assert.equal((await readiness(async () => {})).code, 200);
  const down = await readiness(async () => {
    throw new Error("down");
  });
  assert.equal(down.code, 503);
});
