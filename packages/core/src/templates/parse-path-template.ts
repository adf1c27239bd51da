import { didYouMean } from "../config/did-you-mean.js";
import { toSafeSegment } from "./safe-segment.js";
import { type FieldReader, fieldReaderOf, knownFieldNames } from "./template-fields.js";

/** Literal text of a template, braces unescaped. */
export interface LiteralPart {
  readonly kind: "literal";
  readonly text: string;
}

/** A `{field}` or `{field|fallback}` placeholder. */
export interface FieldPart {
  readonly kind: "field";
  readonly name: string;
  /** Undefined when the placeholder has none (`unknown` is used). */
  readonly fallback: string | undefined;
  readonly read: FieldReader;
}

/** A parsed template: its parts in order, and every problem found. */
export interface ParsedPathTemplate {
  readonly parts: ReadonlyArray<LiteralPart | FieldPart>;
  readonly problems: readonly string[];
}

// Stands for a substituted value while checking the folder structure: never empty, never a dot.
const valueMarker = "\u{E000}";
const controlCharacter = /\p{Cc}/u;

function parseField(inner: string, column: number, problems: string[]): FieldPart {
  const separator = inner.indexOf("|");
  const name = (separator === -1 ? inner : inner.slice(0, separator)).trim();
  const fallback = separator === -1 ? undefined : inner.slice(separator + 1).trim();
  if (name === "") {
    problems.push(`empty placeholder at column ${column}`);
    return { kind: "field", name, fallback, read: () => undefined };
  }
  const read = fieldReaderOf(name);
  if (read === undefined) {
    problems.push(`unknown field {${name}} at column ${column}${didYouMean(name, knownFieldNames())}`);
  }
  if (fallback !== undefined) {
    if (fallback === "") problems.push(`empty fallback in {${inner}} at column ${column}`);
    else if (toSafeSegment(fallback) !== fallback) {
      problems.push(
        `fallback "${fallback}" in {${name}|…} at column ${column} is not a safe path segment ` +
          `(it would render as "${toSafeSegment(fallback)}")`,
      );
    }
  }
  // An unknown field still stands for a value, so the structure check reports real problems only.
  return { kind: "field", name, fallback, read: read ?? (() => undefined) };
}

/** Checks the folder structure that the literal text defines; substituted values cannot change it. */
function checkStructure(parts: ReadonlyArray<LiteralPart | FieldPart>, problems: string[]): void {
  const shape = parts.map((part) => (part.kind === "literal" ? part.text : valueMarker)).join("");
  if (shape === "") {
    problems.push("the template is empty");
    return;
  }
  if (shape.startsWith("/")) problems.push('the path must be relative: remove the leading "/"');
  if (/^[A-Za-z]:/.test(shape)) problems.push('the path must be relative: remove the drive letter ("C:")');
  if (shape.includes("\\")) problems.push('use "/" to separate folders, not "\\"');
  if (controlCharacter.test(shape)) problems.push("the template contains control characters");
  const segments = shape.split("/");
  if (segments.at(-1) === "") problems.push('the path must end in a file name, not "/"');
  segments.forEach((segment, index) => {
    const isEdge = (index === 0 && shape.startsWith("/")) || index === segments.length - 1;
    if (segment === "" && !isEdge) problems.push('empty folder name ("//") in the path');
    if (segment === "." || segment === "..") problems.push(`"${segment}" is not allowed as a folder or file name`);
  });
}

/**
 * Parses a template into literal and field parts and lists every problem: unbalanced braces,
 * unknown fields, unsafe fallbacks, and a structure that could leave the output root. `{{` and
 * `}}` stand for literal braces.
 */
export function parsePathTemplate(template: string): ParsedPathTemplate {
  const problems: string[] = [];
  const parts: Array<LiteralPart | FieldPart> = [];
  let literal = "";
  const pushLiteral = (): void => {
    if (literal !== "") parts.push({ kind: "literal", text: literal });
    literal = "";
  };
  let bracesBalanced = true;
  let index = 0;
  while (index < template.length) {
    const character = template[index];
    const next = template[index + 1];
    if ((character === "{" || character === "}") && next === character) {
      literal += character;
      index += 2;
    } else if (character === "{") {
      const close = template.indexOf("}", index + 1);
      const nextOpen = template.indexOf("{", index + 1);
      if (close === -1) {
        problems.push(`unclosed "{" at column ${index + 1}`);
        bracesBalanced = false;
        break;
      }
      if (nextOpen !== -1 && nextOpen < close) {
        problems.push(`"{" at column ${index + 1} is not closed before the next "{"`);
        bracesBalanced = false;
        index = nextOpen;
        continue;
      }
      pushLiteral();
      parts.push(parseField(template.slice(index + 1, close), index + 1, problems));
      index = close + 1;
    } else if (character === "}") {
      problems.push(`unmatched "}" at column ${index + 1} (write "}}" for a literal brace)`);
      bracesBalanced = false;
      index += 1;
    } else {
      literal += character;
      index += 1;
    }
  }
  pushLiteral();
  if (bracesBalanced) checkStructure(parts, problems);
  return { parts, problems };
}
