// A module-resolution hook (node:module register) that adds the "@nn/source" export condition,
// so the workspace packages resolve to their TypeScript sources: the app runs on a fresh clone
// without a build. tsx (registered beside it) compiles the TypeScript.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes("@nn/source")
    ? context.conditions
    : ["@nn/source", ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}
