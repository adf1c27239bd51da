/**
 * The environment documented configs and commands run with: what a reader would have exported
 * before following the page. A variable a doc adds goes here (the check names it when missing).
 */
export const documentationEnv: Readonly<Record<string, string>> = {
  FRAMEPIPE_TOKEN: "documentation-token-0123456789",
  RECALL_VERIFICATION_SECRET: "whsec_ZG9jdW1lbnRhdGlvbi1zZWNyZXQ=",
  S3_ACCESS_KEY_ID: "documentation-access-key",
  S3_SECRET_ACCESS_KEY: "documentation-secret-access-key",
  PREVIEW_TOKEN: "documentation-preview-token-0123456789",
};
