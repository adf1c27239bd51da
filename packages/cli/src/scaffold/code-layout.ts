/** The line width of the files framepipe scaffolds: Biome's and the framepipe repository's. */
export const lineWidth = 120;

/**
 * A call statement as Biome and Prettier lay it out: on one line when it fits in
 * {@link lineWidth}, otherwise one argument per line. Templates use it where a plugin name makes
 * the line longer, so scaffolded files pass a formatter check whatever the name.
 */
export function callStatement(indent: string, callee: string, args: readonly string[]): string {
  const flat = `${indent}${callee}(${args.join(", ")});`;
  if (flat.length <= lineWidth) return flat;
  return `${indent}${callee}(\n${args.map((arg) => `${indent}  ${arg},`).join("\n")}\n${indent});`;
}
