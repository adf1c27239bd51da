import type { ComponentKind } from "@framepipe/core";

/** What a plugin name must look like: it becomes the `type:` configs use, so the same rule applies. */
export const pluginNamePattern = /^[a-z][a-z0-9-]*$/;

/** The longest plugin name: it is a `type:` in configs and part of file, package and metric names. */
export const maxPluginNameLength = 64;

/** The kinds `framepipe new plugin` accepts. */
export const pluginKinds: readonly ComponentKind[] = ["source", "transform", "sink"];

/** The names a scaffolded plugin is known by. */
export interface PluginNames {
  readonly kind: ComponentKind;
  /** The plugin `type`, as given: `skip-blank`. */
  readonly type: string;
  /** For metric names, which may not contain `-`: `skip_blank`. */
  readonly snake: string;
  /** The npm package name with `--package`: `framepipe-transform-skip-blank` or `@acme/framepipe-transform-skip-blank`. */
  readonly packageName: string;
  /** The package folder with `--package`: `framepipe-transform-skip-blank`. */
  readonly packageFolder: string;
}

/** Why a kind, name or scope was refused; undefined when all are usable. */
export function pluginNameProblem(kind: string, name: string, scope?: string): string | undefined {
  if (!(pluginKinds as readonly string[]).includes(kind)) {
    return `unknown plugin kind "${kind}": expected one of ${pluginKinds.join(", ")}`;
  }
  if (!pluginNamePattern.test(name)) {
    return `invalid plugin name "${name}": it becomes the \`type:\` in configs, so use lowercase letters, digits and "-", starting with a letter (e.g. skip-blank)`;
  }
  if (name.length > maxPluginNameLength) {
    return `invalid plugin name "${name}": at most ${maxPluginNameLength} characters`;
  }
  if (name.endsWith("-") || name.includes("--")) {
    return `invalid plugin name "${name}": no trailing or doubled "-"`;
  }
  if (scope !== undefined && !/^@[a-z0-9][a-z0-9._-]*$/.test(scope)) {
    return `invalid npm scope "${scope}": expected something like @acme`;
  }
  return undefined;
}

/** Derives every name of a plugin; call {@link pluginNameProblem} first. */
export function pluginNames(kind: ComponentKind, name: string, scope?: string): PluginNames {
  const packageFolder = `framepipe-${kind}-${name}`;
  return {
    kind,
    type: name,
    snake: name.replace(/-/g, "_"),
    packageName: scope === undefined ? packageFolder : `${scope}/${packageFolder}`,
    packageFolder,
  };
}
