/**
 * Path and key templates for sinks (DESIGN §4): `{field}` placeholders, `{field|fallback}`, and
 * sanitising that keeps every substituted value one safe path segment.
 * @packageDocumentation
 */

export { defaultManifestTemplate, STREAM_TEMPLATE_FIELDS, templateFolder } from "./manifest-template.js";
export { compilePathTemplate, type PathTemplate } from "./path-template.js";
export { pathTemplateFieldList, pathTemplateSchema } from "./path-template-schema.js";
export { DEFAULT_FALLBACK, SAFE_SEGMENT_MAX_BYTES, toSafeSegment } from "./safe-segment.js";
export { type PathTemplateField, pathTemplateFields } from "./template-fields.js";
