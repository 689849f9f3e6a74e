/**
 * Node-only modules, imported where only Node reaches. The specifier is a parameter, so no bundler can see
 * it: Vite 8's dependency optimizer (Rolldown) inlines a `const` specifier and then fails to resolve it
 * (`Failed to resolve import "../litert/litert-node.js"`), and webpack turns `import(variable)` into a
 * context module unless told to ignore it.
 */
export function importNodeModule<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
