// Node's module resolution hook for tests: `obsidian` is the test double (the real package ships types only).
const double = new URL('./index.ts', import.meta.url).href;
export async function resolve(specifier, context, next) {
  // Resolved by the next hook (tsx's), so it loads the TypeScript file as it loads the plugin's own.
  if (specifier === 'obsidian') return next(double, context);
  return next(specifier, context);
}
