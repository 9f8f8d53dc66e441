import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./workers/db/platform.schema.ts",
  out: "./migrations/platform",
});
