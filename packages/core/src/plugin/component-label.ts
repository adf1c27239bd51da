import type { ComponentKind } from "./plugin-context.js";

/** The label of a component in messages, logs and errors: `sink:fs#disk` (`kind:type#id`). */
export function componentLabel(component: {
  readonly kind: ComponentKind;
  readonly type: string;
  readonly id: string;
}): string {
  return `${component.kind}:${component.type}#${component.id}`;
}
