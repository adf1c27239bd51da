/** Environment variables as interpolation sees them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The outcome of interpolating one string. */
export type InterpolationResult =
  | { readonly ok: true; readonly value: string; readonly changed: boolean }
  | { readonly ok: false; readonly messages: readonly string[] };

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands `${VAR}`, `${VAR:-default}` and `${VAR:?message}` in `text`; `$$` is a literal `$`,
 * and a `$` followed by anything else stays as written. As in a POSIX shell, `:-` and `:?` treat
 * an empty variable like an unset one, while a plain `${VAR}` only fails when VAR is unset.
 * Every problem in the string is reported, never the values of the variables.
 */
export function interpolateEnv(text: string, env: Environment): InterpolationResult {
  if (!text.includes("$")) return { ok: true, value: text, changed: false };
  const messages: string[] = [];
  let output = "";
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf("$", index);
    if (dollar === -1) {
      output += text.slice(index);
      break;
    }
    output += text.slice(index, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      output += "$";
      index = dollar + 2;
      continue;
    }
    if (next !== "{") {
      output += "$";
      index = dollar + 1;
      continue;
    }
    const close = text.indexOf("}", dollar + 2);
    if (close === -1) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message quotes the interpolation syntax.
      messages.push("unterminated `${`: close it with `}`, or write `$$` for a literal `$`");
      break;
    }
    const expansion = expand(text.slice(dollar + 2, close), env);
    if (typeof expansion === "string") output += expansion;
    else messages.push(expansion.message);
    index = close + 1;
  }
  if (messages.length > 0) return { ok: false, messages };
  return { ok: true, value: output, changed: true };
}

function expand(body: string, env: Environment): string | { message: string } {
  const operator = /:[-?]/.exec(body);
  const name = operator ? body.slice(0, operator.index) : body;
  if (!variableName.test(name)) {
    return { message: `invalid variable name in \`\${${body}}\`: use letters, digits and _` };
  }
  const value = env[name];
  if (!operator) {
    return value ?? { message: `environment variable ${name} is not set (use \`\${${name}:-default}\` for a default)` };
  }
  const argument = body.slice(operator.index + 2);
  if (value !== undefined && value !== "") return value;
  if (operator[0] === ":-") return argument;
  const reason = argument.trim() === "" ? "it is required" : argument.trim();
  return { message: `environment variable ${name} is not set: ${reason}` };
}
