// The service answers its health and readiness probes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { createApp } from "../src/app.js";

let databaseUp = true;
let server;
let base;

before(async () => {
  const app = createApp({
    pingDatabase: async () => {
      if (!databaseUp) throw new Error("down");
    },
  });
  await new Promise((resolve) => {
    server = app.listen(0, "127.0.0.1", resolve);
  });
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

test("healthz answers ok", async () => {
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "ok", service: "${{ values.name }}" });
});

test("readyz follows the database", async () => {
  databaseUp = true;
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  databaseUp = false;
  assert.equal((await fetch(`${base}/readyz`)).status, 503);
});
