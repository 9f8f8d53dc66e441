/**
 * Collects the promise rejections nobody handled while `fn` runs (and shortly after, so a
 * promise a failed request left behind has settled). workerd itself prints an
 * "Uncaught (in promise)" line for every failed outbound fetch, handled or not; only what
 * reaches this listener is a rejection our code left unhandled.
 */
export async function unhandledRejectionsDuring<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; unhandled: unknown[] }> {
  const unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    const result = await fn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { result, unhandled };
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
}
