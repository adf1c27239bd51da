import { isAbsolute, relative, resolve, sep } from "node:path";

/**
 * Resolves a rendered relative path under `root` and checks the result is still inside it.
 * Templates already make escaping impossible (safe segments, no `..` in literal text); this is the
 * second line of defence, independent of the template engine. Returns null when the path would
 * leave the root or be the root itself.
 */
export function resolveInside(root: string, relativePath: string): string | null {
  if (relativePath.includes("\0")) return null;
  const target = resolve(root, relativePath);
  const back = relative(root, target);
  if (back === "" || back === ".." || back.startsWith(`..${sep}`) || isAbsolute(back)) return null;
  return target;
}
