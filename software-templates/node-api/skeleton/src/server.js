// Starts ${{ values.name }} on PORT (default ${{ values.port }}).
import { createApp } from "./app.js";
import { pingDatabase } from "./db.js";

const port = Number(process.env.PORT ?? ${{ values.port }});
const server = createApp({ pingDatabase }).listen(port, () => {
  console.log(`${{ values.name }} listening on :${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
