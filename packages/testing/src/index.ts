/**
 * `@framepipe/testing`: the test kit for framepipe and its plugins. Realistic PNG frames, frame
 * factories, exact Recall message builders, a collect sink, a memory source, and contract suites
 * every plugin package runs from its own tests.
 * @packageDocumentation
 */

export * from "./collect-sink.js";
export {
  type ContractAssert,
  type ContractCheck,
  type ContractCheckResult,
  createContractAssert,
  type DescribeLike,
  type ExpectLike,
  type ItLike,
  runChecks,
  type SuiteRunner,
} from "./contract/contract-kit.js";
export { type DefinitionSubject, definitionChecks } from "./contract/definition-checks.js";
export * from "./contract/sink-contract.js";
export * from "./contract/source-contract.js";
export * from "./contract/transform-contract.js";
export { type Deferred, deferred } from "./deferred.js";
export { settle, until } from "./event-loop-turns.js";
export * from "./fake-recall-bot/index.js";
export * from "./frame-factory.js";
export * from "./frame-library.js";
export { pngClaimingSize, pngWithCorruptCrc } from "./hostile-png.js";
export * from "./memory-source.js";
export * from "./readme-checks.js";
export * from "./readme-options-table.js";
export * from "./realistic-png.js";
export * from "./recall-envelope.js";
export * from "./recall-messages.js";
export * from "./recording-context.js";
export { canMountSmallDisk, mountSmallDisk, type SmallDisk, type SmallDiskOptions } from "./small-disk.js";
export * from "./stream-controls.js";
export { type AfterEachLike, useTempFolders } from "./temp-folders.js";
export * from "./test-context.js";
export { testIds, testRecordingStart } from "./test-ids.js";
export { encodePng, type PngPixels, padPng, pngChunk, readPngSize } from "./tiny-png.js";
export { walkEntries, walkFiles } from "./walk-folder.js";
