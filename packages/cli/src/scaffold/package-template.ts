import { lineWidth } from "./code-layout.js";
import type { PluginNames } from "./plugin-names.js";
import { runtimeDependenciesByKind } from "./plugin-sources.js";

/** The files of a plugin package besides its source and test, keyed by path inside the folder. */
export function packageFiles(names: PluginNames, versions: Readonly<Record<string, string>>): Record<string, string> {
  const version = (name: string) => versions[name] ?? "*";
  const dependencies = Object.fromEntries(runtimeDependenciesByKind[names.kind].map((name) => [name, version(name)]));
  const packageJson = {
    name: names.packageName,
    version: "0.1.0",
    description: `A framepipe ${names.kind} plugin: type ${names.type}.`,
    keywords: ["framepipe", "framepipe-plugin", `framepipe-${names.kind}`, "recall.ai"],
    type: "module",
    engines: { node: ">=20.19" },
    exports: {
      ".": { types: "./dist/src/index.d.ts", default: "./dist/src/index.js" },
      "./package.json": "./package.json",
    },
    files: ["dist/src", "README.md"],
    scripts: {
      build: "tsc",
      typecheck: "tsc --noEmit",
      test: "vitest run",
      prepublishOnly: "npm run build && npm test",
    },
    peerDependencies: { "@framepipe/core": version("@framepipe/core") },
    dependencies,
    devDependencies: {
      "@framepipe/core": version("@framepipe/core"),
      "@framepipe/testing": version("@framepipe/testing"),
      "@types/node": version("@types/node"),
      typescript: version("typescript"),
      vitest: version("vitest"),
    },
  };
  // Written out rather than stringified: the arrays stay on one line, as formatters print them.
  const tsconfig = `{
  "compilerOptions": {
    "target": "ES2023",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "types": ["node"],
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "verbatimModuleSyntax": true,
    "isolatedModules": true,
    "skipLibCheck": true,
    "declaration": true,
    "sourceMap": true,
    "rootDir": ".",
    "outDir": "dist"
  },
  "include": ["src", "test"]
}
`;
  return {
    "package.json": `${JSON.stringify(packageJson, null, 2)}\n`,
    "tsconfig.json": tsconfig,
    "README.md": readme(names),
    ".gitignore": "node_modules/\ndist/\n",
  };
}

function readme(names: PluginNames): string {
  const { kind, type, packageName } = names;
  const inputs = kind === "source" ? "" : "\n    inputs: [recall]";
  const example =
    kind === "source"
      ? "file: ./meeting.ndjson"
      : kind === "sink"
        ? "url: https://example.com/frames"
        : "minBytes: 1KiB";
  const section = kind === "source" ? "sources" : `${kind}s`;
  // Formatters move a flow sequence that does not fit onto the next line.
  const flow = `["${packageName}"]`;
  const pluginsLine = `plugins: ${flow}`.length <= lineWidth ? `plugins: ${flow}` : `plugins:\n  ${flow}`;
  return `# ${packageName}

A framepipe ${kind} plugin: \`type: ${type}\`.

## Use

\`\`\`sh
npm install ${packageName}
\`\`\`

\`\`\`yaml
version: 1
${pluginsLine}
# … the rest of the pipeline
${section}:
  ${type}:
    type: ${type}${inputs}
    ${example}
\`\`\`

framepipe loads the modules listed under \`plugins:\` from the config file's folder. (Only packages
named \`@framepipe/<kind>-<type>\` are found from \`type:\` alone; that scope is reserved for the
official plugins.) From code, pass the definition instead:
\`createPipeline(config, { plugins: [${camel(type)}] })\` with
\`import ${camel(type)} from "${packageName}"\`.

\`framepipe plugins\` lists the options of the plugins the CLI knows; \`framepipe validate\` checks a
config that uses this one.

## Develop

\`\`\`sh
npm install
npm test          # the ${kind} contract suite from @framepipe/testing, plus this plugin's own cases
npm run typecheck
npm run build     # dist/, what the package exports
\`\`\`

The options are a zod schema (\`z.strictObject\`): describe every option with \`.describe()\`, mark
credentials with \`secret()\` so framepipe never prints them.
`;
}

function camel(type: string): string {
  return type.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}
