export const config = { version: 1 };
