import { groupKeyOf } from "@framepipe/core";
export const probe: string = groupKeyOf("a", 1);
