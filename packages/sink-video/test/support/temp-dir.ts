import { useTempFolders } from "@framepipe/testing";
import { afterEach } from "vitest";

/** A fresh folder under the OS temp dir, removed after the test. */
export const tempDir = useTempFolders(afterEach, "framepipe-sink-video-");
