// Run by missing-service.test.ts in a child process whose DATABASE_URL or REDIS_URL points at a
// closed port (the harness reads them once, at import). Runs one harness step and prints one JSON
// line: { ok, message?, ms } with the step's own duration (tsx start-up not counted).
//   node --import tsx src/missing-service.fixture.ts global-setup|create-test-database
import { createTestDatabase } from "./database.ts";
import setup from "./global-setup.ts";

const step = process.argv[2];
const started = performance.now();
try {
  if (step === "global-setup") {
    await setup();
  } else if (step === "create-test-database") {
    const database = await createTestDatabase();
    await database.drop();
  } else {
    throw new Error(`expected global-setup or create-test-database, found ${step}`);
  }
  console.log(JSON.stringify({ ok: true, ms: performance.now() - started }));
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  console.log(JSON.stringify({ ok: false, message, ms: performance.now() - started }));
}
