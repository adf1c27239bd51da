import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLError,
} from "yaml";
import type { ConfigPath } from "./config-path.js";
import { type Environment, interpolateEnv } from "./env-interpolation.js";
import type { ConfigLocator, ProblemCollector } from "./problem-collector.js";
import type { RetypedScalar } from "./retyped-scalars.js";

/** A parsed YAML or JSON config: plain data plus a way to find where each path was written. */
export interface ParsedConfigDocument {
  /** The document as plain data, after interpolation; undefined when it could not be parsed. */
  readonly raw: unknown;
  readonly locate: ConfigLocator;
  /** Interpolated plain scalars that were typed as numbers, booleans or null, with their text. */
  readonly retyped: readonly RetypedScalar[];
}

type Position = { line: number; column: number };

/**
 * Parses YAML (JSON is YAML) with positions, records syntax errors, and expands `${VAR}`
 * references in string scalars before anything is validated.
 *
 * Interpolated plain (unquoted) scalars are re-typed as YAML would have typed the resulting text,
 * so `port: ${PORT}` with `PORT=8080` is the number 8080 and `enabled: ${FLAG}` a boolean; quote
 * the scalar (`"${PORT}"`) to keep it a string. An empty result stays an empty string. The text
 * is kept in `retyped`, so an option whose schema wants a string (a numeric token) gets the
 * string back (see `restoreStringScalars`). JSON has no unquoted strings: there an interpolated
 * string that reads as a number, boolean or null keeps that reading in `retyped`, and an option
 * whose schema wants a number gets it (`"port": "${PORT}"`).
 */
export function parseConfigDocument(
  text: string,
  options: { readonly env: Environment; readonly syntax: "YAML" | "JSON" },
  problems: ProblemCollector,
): ParsedConfigDocument {
  const { env, syntax } = options;
  const lineCounter = new LineCounter();
  // `merge: true` keeps YAML 1.1 merge keys (`<<: *defaults`) working, as users expect from Compose files.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const positionOf = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const nodePosition = (node: unknown): Position | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? positionOf(range[0]) : undefined;
  };

  for (const error of document.errors) {
    const unclosed = unclosedQuoteStart(document, error);
    if (unclosed !== undefined) {
      problems.error([], `invalid ${syntax} syntax: this quoted string is never closed`, {
        position: positionOf(unclosed),
      });
    } else {
      problems.error([], `invalid ${syntax} syntax: ${error.message}`, { position: positionOf(error.pos[0]) });
    }
  }
  for (const warning of document.warnings) {
    problems.warning([], warning.message, { position: positionOf(warning.pos[0]) });
  }

  const locate: ConfigLocator = (path, anchor) => {
    let node: unknown = document.contents;
    let position = nodePosition(node) ?? { line: 1, column: 1 };
    let parentKeyPosition: Position | undefined;
    for (const [index, segment] of path.entries()) {
      if (isAlias(node)) node = node.resolve(document);
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
        if (!pair) return parentKeyPosition ?? position;
        const keyPosition = nodePosition(pair.key) ?? position;
        if (index === path.length - 1 && anchor === "key") return keyPosition;
        parentKeyPosition = keyPosition;
        position = nodePosition(pair.value) ?? keyPosition;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined) return position;
        parentKeyPosition = undefined;
        position = nodePosition(item) ?? position;
        node = item;
      } else {
        return parentKeyPosition ?? position;
      }
    }
    return position;
  };

  if (document.errors.length > 0) return { raw: undefined, locate, retyped: [] };

  const retyped: RetypedScalar[] = [];
  const interpolate = (node: unknown, path: ConfigPath): void => {
    if (isMap(node)) {
      for (const item of node.items) {
        if (isPair(item)) interpolate(item.value, [...path, keyText(item.key)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        interpolate(item, [...path, index]);
      });
    } else if (isScalar(node) && typeof node.value === "string") {
      const result = interpolateEnv(node.value, env);
      if (!result.ok) {
        for (const message of result.messages) problems.error(path, message, { position: nodePosition(node) });
      } else if (result.changed) {
        if (node.type === "PLAIN") {
          node.value = retypePlainScalar(result.value);
          if (typeof node.value !== "string") retyped.push({ path, alternative: result.value });
        } else {
          node.value = result.value;
          const typed = syntax === "JSON" ? retypePlainScalar(result.value) : result.value;
          if (typeof typed !== "string") retyped.push({ path, alternative: typed });
        }
      }
    }
  };
  interpolate(document.contents, []);

  return { raw: document.toJS({ maxAliasCount: 1000 }), locate, retyped };
}

/** yaml reports an unclosed quote at the end of the input; the opening quote is where to look. */
function unclosedQuoteStart(document: ReturnType<typeof parseDocument>, error: YAMLError): number | undefined {
  if (error.code !== "MISSING_CHAR" || !error.message.includes("quote")) return undefined;
  let start: number | undefined;
  visit(document, {
    Scalar(_key, node) {
      const isQuoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
      if (isQuoted && node.range && node.range[1] >= error.pos[0] - 1) start ??= node.range[0];
    },
  });
  return start;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

const nullPattern = /^(?:null|Null|NULL|~)$/;
const truePattern = /^(?:true|True|TRUE)$/;
const falsePattern = /^(?:false|False|FALSE)$/;
const decimalPattern = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const hexPattern = /^0x[0-9a-fA-F]+$/;
const octalPattern = /^0o[0-7]+$/;

/** Types interpolated text by the YAML 1.2 core schema, as if it had been written unquoted. */
export function retypePlainScalar(text: string): unknown {
  if (nullPattern.test(text)) return null;
  if (truePattern.test(text)) return true;
  if (falsePattern.test(text)) return false;
  if (decimalPattern.test(text)) return Number(text);
  if (hexPattern.test(text)) return Number.parseInt(text.slice(2), 16);
  if (octalPattern.test(text)) return Number.parseInt(text.slice(2), 8);
  return text;
}
