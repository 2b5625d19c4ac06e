/* tslint:disable */
/* eslint-disable */
// Routeplay's JavaScript module: TypeScript types (hand-written; scripts/js-module.sh copies
// this file over wasm-bindgen's generated one in target/js/{node,web}). See docs/gateways.md.

/** One chat message, OpenAI style. Content is a string or an array of parts; `text` parts count. */
export interface Message {
  role: "system" | "user" | "assistant" | "tool" | string;
  content: string | Array<string | { type?: string; text?: string }>;
}

/**
 * A prompt: its text, or a conversation. For a conversation, the text routed is the LAST USER
 * message's (string content, or its text parts joined by newlines); earlier turns are ignored
 * for now (whole conversations are a later step).
 */
export type Prompt = string | { messages: Message[] };

export interface Options {
  /**
   * The request's own metadata, as the policy's `[metadata]` fields see it (`metadata.tier` in a
   * condition); it appears in the result as `meta_<field>` (declared fields, defaults overlaid).
   */
  metadata?: Record<string, unknown>;
}

/**
 * The request metadata to send with a prompt: exactly what `routeplay annotate --policy P`
 * prints for it, and what the exported gateway configs branch on. Flat keys, because Portkey
 * reads `metadata.<key>` one level deep.
 */
export interface Metadata {
  /** The task type the policy saw (`"unknown"` without a classifier). */
  task: string;
  /** 0..1. */
  complexity: number;
  tokens: number;
  chars: number;
  words: number;
  lines: number;
  /** ISO 639-3 code (`"eng"`), or `""` when not detected. */
  language: string;
  has_code: boolean;
  has_pii: boolean;
  /** Whether the classifier ran. */
  classified: boolean;
  /** The name of the rule Routeplay chose (send it for `--carry route` exports). */
  route: string | null;
  /** The exported target / model group of that route (LiteLLM: the `model` to ask for). */
  route_key: string | null;
  /** `score_<task>`: the classifier's score per task type; `meta_<field>`: request metadata. */
  [key: `score_${string}` | `meta_${string}`]: unknown;
}

/** One diagnostic of a policy, as the core reports it. */
export interface Diagnostic {
  severity: "error" | "warning";
  code: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  end_line: number;
  end_column: number;
  message: string;
  [key: string]: unknown;
}

/** One rule's evaluation in a decision's trace (the core's `RuleTrace`). */
export interface RuleTrace {
  rule: string;
  /** 1-based line of the rule in the policy. */
  line: number;
  outcome: "chosen" | "not_matched" | "error" | "no_eligible" | "skipped";
  /** Why, in words (the condition and the values it read). */
  reason: string;
  candidates: unknown[];
}

/** Routeplay's decision for a prompt (the core's `Decision`, as it serialises it). */
export interface Decision {
  policy: string;
  /** The chosen catalog id; null when even the default rule had no eligible model. */
  model: string | null;
  /** The provider's name for `model` (the catalog's `api_model`, else the id). */
  api_model: string | null;
  /** The fallback chain after `model`, catalog ids. */
  fallbacks: string[];
  /** The same, provider names. */
  api_fallbacks: string[];
  /** The rule that chose, and its index in the policy. */
  rule: string | null;
  rule_index: number | null;
  /** Estimated cost / latency / quality of the chosen model. */
  estimate: Record<string, unknown> | null;
  task: string;
  complexity: number;
  input_tokens: number;
  output_tokens: number;
  /** Every rule in order: matched or not and why, with candidates. */
  trace: RuleTrace[];
}

/** Thrown by `new Router` when the policy does not check. */
export interface PolicyError extends Error {
  /** The message lists each as `policy:LINE:COLUMN: error[code]: message`. */
  diagnostics: Diagnostic[];
}

export class Router {
  /**
   * @param policy  the policy's TOML text
   * @param catalog the model catalog's JSON text; `undefined` for the shipped catalog
   * @param model   the task classifier's bytes; `undefined` for the shipped classifier
   * @throws PolicyError when the policy does not check; Error when the catalog or model is bad
   */
  constructor(policy: string, catalog?: string | null, model?: Uint8Array | null);
  /** The request metadata for a prompt (what `routeplay annotate` prints). */
  annotate(prompt: Prompt, options?: Options): Metadata;
  /** Routeplay's decision for a prompt. */
  route(prompt: Prompt, options?: Options): Decision;
  /** The policy's warnings (it loaded despite them). */
  readonly warnings: Diagnostic[];
  /** The policy's name. */
  readonly policy: string;
  /** Frees the wasm memory this router holds. */
  free(): void;
}

/** The shipped preset policies' names. */
export function presetNames(): string[];
/** A shipped preset's TOML text, or undefined. */
export function preset(name: string): string | undefined;
