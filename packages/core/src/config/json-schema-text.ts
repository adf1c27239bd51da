/** A JSON Schema node as produced by `z.toJSONSchema`. */
export type JsonSchemaNode = { readonly [keyword: string]: unknown };

const largestSafe = Number.MAX_SAFE_INTEGER;

function asNode(value: unknown): JsonSchemaNode | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonSchemaNode) : undefined;
}

function typesOf(node: JsonSchemaNode): string[] {
  if (Array.isArray(node.type)) return node.type.map(String);
  return typeof node.type === "string" ? [node.type] : [];
}

function branchesOf(node: JsonSchemaNode): JsonSchemaNode[] | undefined {
  const branches = node.anyOf ?? node.oneOf;
  if (!Array.isArray(branches)) return undefined;
  return branches.map(asNode).filter((branch): branch is JsonSchemaNode => branch !== undefined);
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) < largestSafe ? value : undefined;
}

interface Bounds {
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly exclusiveMaximum?: number;
}

function boundsOf(node: JsonSchemaNode): Bounds {
  const bounds: { -readonly [K in keyof Bounds]: number } = {};
  const minimum = finite(node.minimum);
  const exclusiveMinimum = finite(node.exclusiveMinimum);
  const maximum = finite(node.maximum);
  const exclusiveMaximum = finite(node.exclusiveMaximum);
  if (minimum !== undefined) bounds.minimum = minimum;
  if (exclusiveMinimum !== undefined) bounds.exclusiveMinimum = exclusiveMinimum;
  if (maximum !== undefined) bounds.maximum = maximum;
  if (exclusiveMaximum !== undefined) bounds.exclusiveMaximum = exclusiveMaximum;
  return bounds;
}

function numberPhrase(noun: "integer" | "number", node: JsonSchemaNode): string {
  const article = noun === "integer" ? "an" : "a";
  const { minimum, exclusiveMinimum, maximum, exclusiveMaximum } = boundsOf(node);
  const positive = exclusiveMinimum === 0 || (noun === "integer" && minimum === 1);
  const noUpper = maximum === undefined && exclusiveMaximum === undefined;
  if (positive && noUpper) return `a positive ${noun}`;
  if (minimum === 0 && noUpper) return `a non-negative ${noun}`;
  if (minimum !== undefined && maximum !== undefined) return `${article} ${noun} from ${minimum} to ${maximum}`;
  const parts: string[] = [];
  if (minimum !== undefined) parts.push(`at least ${minimum}`);
  if (exclusiveMinimum !== undefined) parts.push(`greater than ${exclusiveMinimum}`);
  if (maximum !== undefined) parts.push(`at most ${maximum}`);
  if (exclusiveMaximum !== undefined) parts.push(`less than ${exclusiveMaximum}`);
  const multiple = finite(node.multipleOf);
  if (multiple !== undefined && !(noun === "integer" && multiple === 1)) parts.push(`a multiple of ${multiple}`);
  return parts.length === 0 ? `${article} ${noun}` : `${article} ${noun} ${parts.join(" and ")}`;
}

const formatPhrases: Readonly<Record<string, string>> = {
  uri: "a URL",
  url: "a URL",
  email: "an email address",
  uuid: "a UUID",
  "date-time": "an ISO 8601 date-time",
  date: "a date (YYYY-MM-DD)",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  hostname: "a host name",
};

function stringPhrase(node: JsonSchemaNode): string {
  if (typeof node.format === "string" && formatPhrases[node.format]) return formatPhrases[node.format] ?? "a string";
  if (typeof node.pattern === "string") return `a string matching /${node.pattern}/`;
  const minLength = finite(node.minLength);
  const maxLength = finite(node.maxLength);
  if (minLength !== undefined && maxLength !== undefined) {
    return `a string of ${minLength} to ${maxLength} characters`;
  }
  if (minLength === 1) return "a non-empty string";
  if (minLength !== undefined) return `a string of at least ${minLength} characters`;
  if (maxLength !== undefined) return `a string of at most ${maxLength} characters`;
  return "a string";
}

const pluralNouns: Readonly<Record<string, string>> = {
  string: "strings",
  integer: "integers",
  number: "numbers",
  boolean: "booleans",
  object: "objects",
};

function listPhrase(node: JsonSchemaNode): string {
  const items = asNode(node.items);
  const itemTypes = items ? typesOf(items) : [];
  const [onlyType] = itemTypes;
  const noun = itemTypes.length === 1 && onlyType !== undefined && !items?.enum ? pluralNouns[onlyType] : undefined;
  const base = noun ? `a list of ${noun}` : "a list";
  const minItems = finite(node.minItems);
  return minItems !== undefined && minItems > 0
    ? `${base} with at least ${minItems} item${minItems === 1 ? "" : "s"}`
    : base;
}

/**
 * What a JSON Schema accepts, as the end of an "expected …" sentence: `a positive integer`,
 * `one of "png", "jpeg"`, `a string or null`.
 */
export function expectationOf(node: JsonSchemaNode): string {
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (Array.isArray(node.enum)) {
    const values = node.enum.map((value) => JSON.stringify(value));
    return values.length === 1 ? (values[0] ?? "") : `one of ${values.join(", ")}`;
  }
  const branches = branchesOf(node);
  if (branches) return joinAlternatives(branches.map(expectationOf));
  const types = typesOf(node);
  if (types.length > 1) return joinAlternatives(types.map((type) => expectationOf({ ...node, type })));
  switch (types[0]) {
    case "integer":
      return numberPhrase("integer", node);
    case "number":
      return numberPhrase("number", node);
    case "string":
      return stringPhrase(node);
    case "boolean":
      return "true or false";
    case "null":
      return "null";
    case "array":
      return listPhrase(node);
    case "object":
      return "an object";
    default:
      return "a value";
  }
}

function joinAlternatives(parts: readonly string[]): string {
  const unique = [...new Set(parts)];
  const withoutNull = unique.filter((part) => part !== "null");
  const ordered = withoutNull.length < unique.length ? [...withoutNull, "null"] : withoutNull;
  if (ordered.length <= 1) return ordered[0] ?? "a value";
  return `${ordered.slice(0, -1).join(", ")} or ${ordered[ordered.length - 1]}`;
}

function numberLabel(noun: "integer" | "number", node: JsonSchemaNode): string {
  const { minimum, exclusiveMinimum, maximum, exclusiveMaximum } = boundsOf(node);
  if (minimum !== undefined && maximum !== undefined) return `${noun} ${minimum}..${maximum}`;
  const parts: string[] = [noun];
  if (minimum !== undefined) parts.push(`>= ${minimum}`);
  if (exclusiveMinimum !== undefined) parts.push(`> ${exclusiveMinimum}`);
  if (maximum !== undefined) parts.push(`<= ${maximum}`);
  if (exclusiveMaximum !== undefined) parts.push(`< ${exclusiveMaximum}`);
  return parts.join(" ");
}

/** A compact type label for option tables: `integer > 0`, `enum png|jpeg`, `list of string`, `string | null`. */
export function typeLabelOf(node: JsonSchemaNode): string {
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (Array.isArray(node.enum)) return `enum ${node.enum.map((value) => String(value)).join("|")}`;
  const branches = branchesOf(node);
  if (branches) return [...new Set(branches.map(typeLabelOf))].join(" | ");
  const types = typesOf(node);
  if (types.length > 1) return types.map((type) => typeLabelOf({ ...node, type })).join(" | ");
  switch (types[0]) {
    case "integer":
      return numberLabel("integer", node);
    case "number":
      return numberLabel("number", node);
    case "string":
      return typeof node.format === "string" && node.format in formatPhrases ? `string (${node.format})` : "string";
    case "array": {
      const items = asNode(node.items);
      return items ? `list of ${typeLabelOf(items)}` : "list";
    }
    case "boolean":
    case "null":
    case "object":
      return types[0];
    default:
      return "any";
  }
}
