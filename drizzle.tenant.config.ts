import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./workers/db/tenant.schema.ts",
  out: "./migrations/tenant",
});
