// Type declarations for podpis.js, the browser client of podpisd (the Podpis signing daemon).
// Hand-written: keep them in step with podpis.js. The HTTP contract is docs/protocol.md and docs/openapi.yaml.

/** The loopback addresses podpisd listens on, tried in this order. */
export declare const DEFAULT_ENDPOINTS: readonly string[];

/** "pl" (Polish) or "en" (English): the language of the texts meant for the clerk. */
export type Language = "pl" | "en";

/** A text in both languages the library speaks. */
export interface Messages {
  pl: string;
  en: string;
}

/** Minimal Web Storage: `localStorage`, or an in-memory stand-in. */
export interface PodpisStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface PodpisOptions {
  /** Shown to the clerk when pairing (`POST /v1/pairing {"application": …}`), 1–100 characters. */
  application?: string;
  /** Where podpisd may listen, tried in order by connect(). Default DEFAULT_ENDPOINTS. */
  endpoints?: readonly string[];
  /** Where pairing tokens are kept, under "podpis-token:" + endpoint. Default globalThis.localStorage, else (or null) in memory. */
  storage?: PodpisStorage | null;
  /**
   * Default true: a call that needs the pairing token pairs when there is none or it was revoked (the clerk is asked).
   * false: calls go with the stored token only (or none), and "not-paired" is the caller's to handle.
   */
  autoPair?: boolean;
  /** The fetch to use. Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Default from navigator.language: pl* → "pl", else "en". */
  language?: Language;
  /** Asked for the Local Network Access permission after a failed fetch. Default navigator.permissions. */
  permissions?: { query(descriptor: { name: string }): Promise<{ state: string }> };
  /** The timer of the reconnection delays of events() (injectable for tests). Default globalThis.setTimeout. */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  /** Default globalThis.clearTimeout. */
  clearTimeout?: (id: any) => void;
}

/** Options every call takes. */
export interface CallOptions {
  /** Aborting it withdraws the request (podpisd drops it when the connection closes); the call rejects with code "aborted". */
  signal?: AbortSignal;
}

/** `POST /v1/pairing` 201. */
export interface Pairing {
  kind: "once" | "always" | "configured" | string;
  token: string;
  /** The origin the token is bound to (absent for programs without Origin). */
  origin?: string;
}

/** `GET /v1/status`. */
export interface Status {
  service: string;
  version: string;
  api: string;
  pcsc?: { available: boolean; [key: string]: unknown };
  tokens?: number;
  agents?: number;
  uptimeSeconds?: number;
  [key: string]: unknown;
}

/** One item of `GET /v1/certificates` (schema `podpis.certs/1`); see openapi.yaml. */
export interface Certificate {
  id: string;
  label?: string;
  token?: string;
  tokenSerial?: string;
  module?: string;
  key?: { canSign?: boolean; keyType?: string; alwaysAuthenticate?: boolean; [key: string]: unknown };
  qualifiedForSigning?: boolean;
  qualifiedForSealing?: boolean;
  validity?: string;
  facts?: { commonName?: string; subject?: string; issuer?: string; notBefore?: string; notAfter?: string; sha256?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A document with an explicit name: needed for a Blob that is not a File. */
export interface NamedDocument {
  name: string;
  blob: Blob;
  /** Default: blob.type, else application/octet-stream. */
  mimeType?: string;
}

export type SignInput = Blob | File | ReadonlyArray<Blob | File | NamedDocument>;

export type SignStage = "pairing" | "hashing" | "sending" | "waiting";

export type DigestAlgorithm = "SHA-256" | "SHA-384" | "SHA-512";

export interface SignOptions extends CallOptions {
  /** An `id` from certificates(). */
  certificate?: string;
  format?: "xades" | "cades";
  packaging?: "enveloped" | "enveloping" | "detached";
  level?: "B-B" | "B-T" | "B-LT" | "B-LTA";
  commitment?: "origin" | "receipt" | "delivery" | "sender" | "approval" | "creation";
  role?: string;
  digest?: DigestAlgorithm;
  /** The document type written into the signature (overrides the Blob's type). */
  mimeType?: string;
  /**
   * "raw": one document as the body (form 1); "json": documents in base64 (form 2);
   * "digest": only SHA digests computed in the page (form 3, detached only);
   * "auto" (default): one document → "raw", several → "json".
   */
  form?: "auto" | "raw" | "json" | "digest";
  /** Told where the call is, e.g. to show "confirm in podpis agent" at "waiting". */
  onStage?: (stage: SignStage) => void;
}

export interface Signature {
  name: string;
  mimeType: string;
  blob: Blob;
  /** The documents this signature covers (JSON forms). */
  documents?: string[];
}

export interface SignResult {
  requestId: string;
  certificate?: string;
  signedAt?: string;
  signatures: Signature[];
}

export interface VerifyOptions extends CallOptions {
  /** The files a detached signature signs, matched by name. */
  detached?: ReadonlyArray<Blob | File | NamedDocument>;
  /** true: the clerk's text (Accept: text/plain) in the library's language instead of the JSON report. */
  text?: boolean;
  /** Judge the signatures as at this ISO 8601 time instead of now. */
  at?: string;
}

/** `podpis.verify/1`; see VerifyReport in openapi.yaml. */
export interface VerifyReport {
  schema: string;
  indication?: string;
  signatures: Array<{ indication: string; subIndication?: string; signer?: { name?: string; [key: string]: unknown }; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** One event of a Server-Sent Events stream, as SSEParser gives it. */
export interface SSEEvent {
  /** The `event:` field; "message" when absent. */
  event: string;
  /** The last event id (`id:`), "" when none was sent. */
  id: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The `retry:` value in milliseconds, when this event carried one. */
  retry?: number;
}

/** An event of podpis.events() or Batch.events(): `data` parsed as JSON when it is JSON, else the raw string. */
export interface PodpisEvent {
  event: string;
  id: string;
  data: any;
}

export interface EventHandlers {
  onEvent?: (event: PodpisEvent) => void;
  /** Called on each (re)connection: re-read tokens or certificates there, events are not replayed. */
  onOpen?: () => void;
  /** Called on each failure; the stream then reconnects by itself, with backoff, until closed
   *  (a readable 4xx answer other than 408/429 ends it). */
  onError?: (error: PodpisError) => void;
}

export interface EventStream {
  /** Stops the stream and any reconnection. */
  close(): void;
  /** true once close() was called or the signal aborted. */
  readonly closed: boolean;
}

/** A seal batch (`GET /v1/batches/{id}`); see Batch in openapi.yaml. */
export interface BatchInfo {
  id: string;
  profile: string;
  state: "open" | "sealing" | "paused" | "stopped" | "done" | "cancelled" | string;
  closed: boolean;
  total: number;
  queued: number;
  sealed: number;
  failed: number;
  cancelled: number;
  created?: string;
  [key: string]: unknown;
}

/** A document of a seal batch. */
export interface BatchDocument {
  name: string;
  sha256: string;
  size: number;
  state: "queued" | "sealed" | "failed" | "cancelled" | string;
  output?: string;
  method?: string;
  code?: string;
  message?: Messages;
  [key: string]: unknown;
}

export declare class Batch {
  /** Made by Podpis.createBatch() or Podpis.batch(id). */
  private constructor();
  /** The batch id. */
  readonly id: string;
  /** The batch as created (POST /v1/batches answer); only `id` for Podpis.batch(id). */
  readonly info: BatchInfo | { id: string };
  /** PUT /v1/batches/ID/documents/NAME with the bytes as the body. name defaults to the File's name. */
  put(document: Blob | File, name?: string, options?: CallOptions): Promise<BatchDocument>;
  /** POST …/close: no more documents. */
  close(options?: CallOptions): Promise<BatchInfo>;
  /** POST …/cancel: queued documents are not sealed. */
  cancel(options?: CallOptions): Promise<BatchInfo>;
  /** GET /v1/batches/ID. */
  status(options?: CallOptions): Promise<BatchInfo>;
  /** GET …/documents: the array of documents. */
  documents(options?: CallOptions): Promise<BatchDocument[]>;
  /** GET …/documents/NAME/seal; checks X-Podpis-Document-SHA256 against expectedSha256 when given (code "bad-response" if it differs). */
  seal(name: string, options?: CallOptions & { expectedSha256?: string }): Promise<Blob>;
  /** Follows GET /v1/batches/ID/events like podpis.events(); the stream closes itself after the "end" event. */
  events(handlers: EventHandlers, options?: CallOptions): EventStream;
  /** DELETE /v1/batches/ID. */
  remove(options?: CallOptions): Promise<void>;
}

export declare class Podpis {
  constructor(options?: PodpisOptions);
  /** The endpoint connect() found (or the first configured one before it). */
  endpoint: string;
  readonly application: string | undefined;
  readonly endpoints: readonly string[];
  language: Language;
  /** Whether calls that need the token pair by themselves (PodpisOptions.autoPair). */
  autoPair: boolean;

  /** Finds podpisd: GET /v1/status on each endpoint in order, keeps the first that answers; returns its status. */
  connect(options?: CallOptions): Promise<Status>;
  /** POST /v1/pairing (the clerk is asked in podpis agent); stores the token. */
  pair(options?: CallOptions): Promise<Pairing>;
  /** The stored token if GET /v1/pairing accepts it, else pair(); returns the token. */
  ensurePaired(options?: CallOptions): Promise<string>;
  /** Forgets the stored token of this endpoint. */
  forget(): void;
  /** The stored token of this endpoint, or null. */
  readonly token: string | null;

  status(options?: CallOptions): Promise<Status>;
  readers(options?: CallOptions): Promise<any>;
  tokens(options?: CallOptions): Promise<any>;
  /** The `certificates` array of GET /v1/certificates. */
  certificates(options?: CallOptions): Promise<Certificate[]>;

  /** POST /v1/sign in one of its three forms; the clerk approves in podpis agent. */
  sign(input: SignInput, options?: SignOptions): Promise<SignResult>;
  /** POST /v1/verify (JSON form). */
  verify(signature: Blob | File | NamedDocument, options: VerifyOptions & { text: true }): Promise<string>;
  verify(signature: Blob | File | NamedDocument, options?: VerifyOptions & { text?: false }): Promise<VerifyReport>;
  verify(signature: Blob | File | NamedDocument, options?: VerifyOptions): Promise<VerifyReport | string>;

  /** Follows GET /v1/events (fetch + SSEParser, reconnecting with backoff). */
  events(handlers: EventHandlers, options?: CallOptions): EventStream;

  /** POST /v1/batches {"profile": …}. */
  createBatch(profile: string, options?: CallOptions): Promise<Batch>;
  /** GET /v1/batches: this owner's batches. */
  batches(options?: CallOptions): Promise<BatchInfo[]>;
  /** A Batch object for a known id (e.g. after a page reload). */
  batch(id: string): Batch;
}

/** Client codes of the library; a daemon problem keeps its own `code` (e.g. "wrong-pin", "refused", "no-agent"). */
export type ClientErrorCode =
  | "unreachable"
  | "local-network-blocked"
  | "pairing-failed"
  | "aborted"
  | "bad-response"
  | "digest-not-allowed";

export declare class PodpisError extends Error {
  constructor(code: string, init?: {
    status?: number;
    reason?: string;
    requestId?: string;
    triesLeft?: number;
    messages?: Messages;
    problem?: object;
    language?: Language;
    /** Inserted into the library's own texts (e.g. "HTTP 502" for bad-response). */
    detail?: string;
    cause?: unknown;
  });
  /** The daemon's stable problem code, or a ClientErrorCode. */
  code: ClientErrorCode | string;
  status?: number;
  reason?: string;
  requestId?: string;
  triesLeft?: number;
  messages: Messages;
  /** messages[language]; also Error.message. */
  text: string;
  /** The raw problem+json. */
  problem?: object;
}

/** Incremental parser of text/event-stream (WHATWG rules). */
export declare class SSEParser {
  constructor(onEvent: (event: SSEEvent) => void);
  /** Feeds bytes (UTF-8) or text; chunks may split anywhere. */
  push(chunk: Uint8Array | string): void;
  /** The stream ended: an unterminated event is dropped (as the standard says). */
  end(): void;
  /** The last event id seen ("" before any). */
  readonly lastEventId: string;
  /** The last `retry:` value in milliseconds, or undefined. */
  readonly retry: number | undefined;
}

/** The file name of a Content-Disposition header (filename*=UTF-8'' preferred, else filename=). */
export declare function dispositionFilename(header: string | null | undefined): string | undefined;

/**
 * A ustar archive of the documents as one Blob made of their own Blobs (streamed by the browser; nothing is
 * read into the page): what verify() sends with detached files. Non-ASCII or long names go in pax headers.
 */
export declare function tarBlob(documents: ReadonlyArray<NamedDocument>): Blob;
