/**
 * Tenant-resolution benchmark: authenticated API requests that resolve a tenant from its API key
 * and read from that tenant's own database, through the real local runtime.
 *   npm run bench:api -- --requests 2000 --concurrency 8 [--runtime-wrangler]
 */
import { startLocalPlatform } from "../tools/local-platform";
import { argNumber, percentile, printTable } from "./stats";

const requests = argNumber("--requests", 2000);
const concurrency = argNumber("--concurrency", 8);

// The bundled Worker in workerd without wrangler dev's proxy layers, as in production.
const runtime = process.argv.includes("--runtime-wrangler") ? "wrangler" : "miniflare";
const platform = await startLocalPlatform({ runtime });
try {
  const key = platform.apiKeys["peterson-family-insurance"];
  if (!key) throw new Error("seed did not create a demo API key");
  const url = `${platform.baseUrl}/api/tenant/callers/%2B19495550100`;
  const headers = { authorization: `Bearer ${key}` };
  // Warm the isolate and the per-isolate migration check before measuring.
  for (let i = 0; i < 20; i++) await (await fetch(url, { headers })).text();

  const samples: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next += 1;
        const t0 = performance.now();
        const res = await fetch(url, { headers });
        await res.text();
        samples.push(performance.now() - t0);
        if (res.status !== 200) failures += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  printTable(
    `GET /api/tenant/callers/{phone} (API key → tenant context → tenant D1), runtime ${runtime}`,
    [
      ["requests", String(samples.length)],
      ["concurrency", String(concurrency)],
      ["failures", String(failures)],
      ["throughput (req/s)", (samples.length / seconds).toFixed(0)],
      ["latency p50 (ms)", percentile(samples, 50).toFixed(2)],
      ["latency p95 (ms)", percentile(samples, 95).toFixed(2)],
      ["latency p99 (ms)", percentile(samples, 99).toFixed(2)],
    ],
  );
} finally {
  await platform.stop();
}
