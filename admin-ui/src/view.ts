/** What every screen receives from the router. */
export interface ViewContext {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Renders the current screen again (after a change that affects the whole screen). */
  rerender: () => void;
}

export function param(ctx: ViewContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no :${name}`);
  return value;
}
