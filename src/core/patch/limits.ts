/** Input limits: they keep one PATCH bounded in CPU and storage, whatever a client sends. */
export const MAX_INSTRUCTIONS = 100;
export const MAX_VALUES_PER_INSTRUCTION = 10_000;
export const MAX_RULES = 1000;
export const MAX_CLAUSES_PER_RULE = 100;
export const MAX_STRING_LENGTH = 1024;
export const MAX_ID_LENGTH = 128;
export const MAX_NAME_LENGTH = 256;
export const MAX_DESCRIPTION_LENGTH = 8192;
/** Variation values may be JSON documents; bound their size and nesting instead of string length. */
export const MAX_VARIATION_VALUE_CHARS = 65_536;
export const MAX_JSON_DEPTH = 32;
/** Same bound as flag creation (core/model/new-flag.ts). */
export const MAX_VARIATIONS = 100;
/** Weights are thousandths of a percent. */
export const WEIGHT_TOTAL = 100_000;

/** Services one flag links to explicitly (setServices). */
export const MAX_SERVICES = 100;
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Flag, segment and other resource keys (DESIGN §4). */
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Context kinds as the SDKs accept them; `kind` and `multi` are reserved. */
export const CONTEXT_KIND_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const RESERVED_CONTEXT_KINDS: readonly string[] = ['kind', 'multi'];
export const USER_KIND = 'user';
