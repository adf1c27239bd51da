import { z } from "zod";
import { parsePathTemplate } from "./parse-path-template.js";
import { pathTemplateFields } from "./template-fields.js";

/** One line listing every placeholder, for option descriptions and docs. */
export const pathTemplateFieldList: string = pathTemplateFields.map((field) => `{${field.name}}`).join(", ");

/**
 * A zod string schema for a path or key template option: validates the template at config time
 * (every problem becomes its own issue, so `framepipe validate` lists them all with the option's
 * line and column). Chain `.default(…)` and `.describe(…)` in a plugin's options as usual.
 *
 * @example
 * ```ts
 * const options = z.strictObject({
 *   key: pathTemplateSchema.default("{recording.id}/{seq}.{ext}").describe(`Object key. ${pathTemplateFieldList}`),
 * });
 * ```
 */
export const pathTemplateSchema = z
  .string()
  .superRefine((template, context) => {
    for (const problem of parsePathTemplate(template).problems) {
      context.addIssue({ code: "custom", message: `invalid path template: ${problem}` });
    }
  })
  .describe(
    `Path template: literal text (use "/" for folders) and placeholders ${pathTemplateFieldList}; ` +
      '"{field|fallback}" renders the fallback for a missing or empty value (default "unknown"). ' +
      "Substituted values are made safe single path segments.",
  );
