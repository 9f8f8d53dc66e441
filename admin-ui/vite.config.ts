/**
 * Builds the admin app into admin-ui/dist, which the Worker serves as static assets in
 * `wrangler dev` (see [assets] in wrangler.toml) and which deploys to Pages as is.
 */
import path from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  build: {
    outDir: path.resolve(import.meta.dirname, "dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
