import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

/** True when `back` (a path from the root, as `relative` gives it) leads outside the root. */
function leadsOutside(back: string): boolean {
  return back === ".." || back.startsWith(`..${sep}`) || isAbsolute(back);
}

/**
 * Resolves a rendered relative path under `root` and checks the result is still inside it.
 * Templates already make this impossible (safe segments, no `..` in literal text); this is the
 * second line of defence, independent of the template engine. Returns null when the path would
 * leave the root or be the root itself.
 */
export function resolveInside(root: string, relativePath: string): string | null {
  if (relativePath.includes("\0")) return null;
  const target = resolve(root, relativePath);
  const back = relative(root, target);
  if (back === "" || leadsOutside(back)) return null;
  return target;
}

/** A file resolved by {@link InsideResolver}: its absolute path and its folder's. */
export interface ResolvedFile {
  readonly path: string;
  readonly directory: string;
}

/** Folders remembered; beyond this the cache starts over, which only costs a few path checks. */
const folderLimit = 10_000;

/** A last segment that joins its folder as is: no separator, drive letter, NUL, `.` or `..`. */
const plainName = /^(?!\.\.?$)[^/\\:\0]+$/;

/**
 * {@link resolveInside} for the per-frame path: the folder part of a rendered path (all but its
 * last segment) is resolved and checked once and remembered by its text, so each frame only
 * checks its file name. The result is the same as resolving the whole path: a plain name
 * appended to a folder inside (or at) the root stays strictly inside it. Anything else (a name
 * of `.`, `..` or with a separator) takes the full check.
 */
export class InsideResolver {
  readonly #root: string;
  /** Relative folder → absolute folder, or null when it leaves the root. */
  readonly #folders = new Map<string, string | null>();

  constructor(root: string) {
    this.#root = resolve(root);
  }

  /** The absolute file and folder of `relativePath`, or null when it would leave the root or be the root. */
  resolve(relativePath: string): ResolvedFile | null {
    const slash = relativePath.lastIndexOf("/");
    const name = relativePath.slice(slash + 1);
    if (!plainName.test(name)) return this.#resolveWhole(relativePath);
    const folderPart = slash === -1 ? "" : relativePath.slice(0, slash);
    let directory = this.#folders.get(folderPart);
    if (directory === undefined) {
      directory = this.#resolveFolder(folderPart);
      if (this.#folders.size >= folderLimit) this.#folders.clear();
      this.#folders.set(folderPart, directory);
    }
    if (directory === null) return null;
    return { path: directory.endsWith(sep) ? directory + name : directory + sep + name, directory };
  }

  #resolveFolder(folderPart: string): string | null {
    if (folderPart.includes("\0")) return null;
    const directory = resolve(this.#root, folderPart);
    return leadsOutside(relative(this.#root, directory)) ? null : directory;
  }

  #resolveWhole(relativePath: string): ResolvedFile | null {
    const path = resolveInside(this.#root, relativePath);
    return path === null ? null : { path, directory: dirname(path) };
  }
}
