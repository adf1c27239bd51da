/**
 * Whether a participant name is worth showing and remembering: Recall sends null, empty or blank
 * names for participants it does not know yet, and those must never replace a known name.
 */
export function hasName(name: string | null): name is string {
  return name !== null && name.trim() !== "";
}
