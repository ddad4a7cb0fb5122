// podpis.js — the browser client of podpisd, the Podpis signing daemon.
//
// A dependency-free ES module for EZD pages (Chromium, Firefox; also importable
// under Node 18+). It finds podpisd on loopback, pairs the page with it (the
// clerk allows the page in `podpis agent`), signs documents in the three forms
// of POST /v1/sign, verifies signatures, follows the event streams and drives
// seal batches. The HTTP contract is docs/protocol.md and docs/openapi.yaml.
//
// The PIN never passes through this library: the clerk types it in
// `podpis agent`, never in a web page.

/** The loopback addresses podpisd listens on, tried in this order by connect(). */
export const DEFAULT_ENDPOINTS = Object.freeze(["http://127.0.0.1:35900", "http://[::1]:35900"]);

const TOKEN_KEY = "podpis-token:";
/** Permission names browsers have used for the Local Network Access permission. */
const LNA_PERMISSIONS = ["loopback-network", "local-network-access", "local-network"];
const RETRY_FIRST_MS = 1000;
const RETRY_MIN_MS = 100;                                         // a `retry: 0` must not make a busy loop
const RETRY_MAX_MS = 30000;
const JSON_TYPE = "application/json";

// ---------------------------------------------------------------------------
// Texts of the library's own error codes (the daemon's problems bring theirs).

/** @type {Record<string, (detail?: string) => {pl: string, en: string}>} */
const CLIENT_TEXTS = {
  "unreachable": () => ({
    pl: "Brak połączenia z programem Podpis (podpisd) na tym komputerze. Sprawdź, czy działa " +
      "(„systemctl --user status podpisd”) i czy ta strona została zatwierdzona: sparowana w „podpis agent” " +
      "albo wpisana przez administratora w allowed_origins (podpisd.toml). Podpisd nie odpowiada stronom, " +
      "których nie zatwierdzono; połączenie może też blokować przeglądarka (docs/deployment.md).",
    en: "No connection to Podpis (podpisd) on this computer. Check that it runs " +
      "(\"systemctl --user status podpisd\") and that this page is approved: paired in \"podpis agent\" " +
      "or listed by the administrator in allowed_origins (podpisd.toml). Podpisd does not answer pages " +
      "that are not approved; the browser may also block the connection (docs/deployment.md).",
  }),
  "local-network-blocked": () => ({
    pl: "Przeglądarka blokuje tej stronie połączenie z programem Podpis na tym komputerze. Zezwól na " +
      "„Dostęp do sieci lokalnej” dla tej witryny (kłódka obok adresu → Ustawienia witryny) i odśwież stronę. " +
      "Dział IT: wdróż politykę Chromium/Chrome LocalNetworkAccessAllowedForUrls / LoopbackNetworkAllowedForUrls " +
      "dla adresu EZD (docs/deployment.md).",
    en: "The browser blocks this page's connection to Podpis on this computer. Allow \"local network access\" " +
      "for this site (the padlock next to the address → Site settings) and reload the page. " +
      "IT: deploy the Chromium/Chrome policy LocalNetworkAccessAllowedForUrls / LoopbackNetworkAllowedForUrls " +
      "for the EZD origin (docs/deployment.md).",
  }),
  "pairing-failed": () => ({
    pl: "Ta strona nie uzyskała zgody na połączenie z programem Podpis: odmowa w „podpis agent”, pytanie " +
      "zadane już wcześniej (inna karta?), brak odpowiedzi w czasie albo podpisd nie działa — strona nie może " +
      "rozróżnić. Uruchom „podpis agent” w terminalu i spróbuj ponownie; po odmowie dopiero za 5 minut.",
    en: "This page got no permission to connect to Podpis: denied in \"podpis agent\", already being asked " +
      "(another tab?), not answered in time, or podpisd is not running — the page cannot tell which. " +
      "Start \"podpis agent\" in a terminal and try again; after a denial, only in 5 minutes.",
  }),
  "aborted": () => ({
    pl: "Żądanie przerwano; wycofano je z agenta podpisu i nic nie zostało podpisane.",
    en: "The request was aborted; it was withdrawn from the signing agent and nothing was signed.",
  }),
  "bad-response": (detail) => ({
    pl: `Program Podpis odpowiedział w sposób, którego ta strona nie rozumie${detail ? ` (${detail})` : ""}. ` +
      "Zgłoś to administratorowi, podając identyfikator żądania, jeśli jest.",
    en: `Podpis answered in a way this page cannot read${detail ? ` (${detail})` : ""}. ` +
      "Report it to the administrator with the request id, if any.",
  }),
  "digest-not-allowed": () => ({
    pl: "Podpis samego skrótu dokumentu jest możliwy tylko jako podpis zewnętrzny (packaging: detached).",
    en: "Signing a document's digest alone is possible only for a detached signature (packaging: detached).",
  }),
};

function defaultLanguage() {
  const language = globalThis.navigator?.language;
  return typeof language === "string" && language.toLowerCase().startsWith("pl") ? "pl" : "en";
}

// ---------------------------------------------------------------------------

/**
 * An error of podpis.js: a problem the daemon answered (`code` is its stable
 * problem code, e.g. "wrong-pin", "refused", "no-agent", "not-paired"), or one of
 * the library's client codes: "unreachable", "local-network-blocked",
 * "pairing-failed", "aborted", "bad-response", "digest-not-allowed".
 * `text` (and `message`) is the text for the clerk in the chosen language.
 */
export class PodpisError extends Error {
  /**
   * @param {string} code
   * @param {{status?: number, reason?: string, requestId?: string, triesLeft?: number,
   *          messages?: {pl: string, en: string}, problem?: object, language?: "pl"|"en",
   *          detail?: string, cause?: unknown}} [init]
   */
  constructor(code, init = {}) {
    const messages = init.messages ?? CLIENT_TEXTS[code]?.(init.detail) ??
      { pl: `Błąd programu Podpis: ${code}.`, en: `Podpis error: ${code}.` };
    const language = init.language ?? defaultLanguage();
    const text = messages[language] ?? messages.en;
    super(text, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "PodpisError";
    this.code = code;
    if (init.status !== undefined) this.status = init.status;
    if (init.reason !== undefined) this.reason = init.reason;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.triesLeft !== undefined) this.triesLeft = init.triesLeft;
    this.messages = messages;
    this.text = text;
    if (init.problem !== undefined) this.problem = init.problem;
  }
}

// ---------------------------------------------------------------------------

/**
 * An incremental parser of `text/event-stream`, per the WHATWG HTML standard
 * ("Parsing an event stream"): UTF-8, one leading BOM dropped, lines ended by
 * CRLF, LF or CR (split anywhere between chunks), `:` comments ignored, fields
 * `event`, `data` (lines joined by "\n"), `id` (ignored if it holds NUL),
 * `retry` (ASCII digits only). An event is dispatched at a blank line, only if
 * it had data; an event not ended by a blank line when the stream ends is
 * dropped, as the standard says.
 */
export class SSEParser {
  #onEvent;
  #decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  #buffer = "";
  #started = false;
  #skipLF = false;
  #data = "";
  #type = "";
  #idBuffer = "";
  #lastEventId = "";
  #retry = undefined;
  #eventRetry = undefined;

  /** @param {(event: {event: string, id: string, data: string, retry?: number}) => void} onEvent */
  constructor(onEvent) {
    this.#onEvent = onEvent;
  }

  /** The last event id seen ("" before any). */
  get lastEventId() { return this.#lastEventId; }
  /** The last `retry:` value (milliseconds), or undefined. */
  get retry() { return this.#retry; }

  /** Feeds UTF-8 bytes or text; a chunk may end anywhere, even inside a character or a CRLF. */
  push(chunk) {
    this.#feed(typeof chunk === "string" ? chunk : this.#decoder.decode(chunk, { stream: true }));
  }

  /** The stream ended: an incomplete line or event is dropped. */
  end() {
    this.#feed(this.#decoder.decode());
    this.#buffer = "";
    this.#data = "";
    this.#type = "";
    this.#eventRetry = undefined;
    this.#skipLF = false;
  }

  #feed(text) {
    if (!text) return;
    if (!this.#started) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.#skipLF) {
      this.#skipLF = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    const buffer = this.#buffer + text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 === buffer.length) this.#skipLF = true;          // a LF may come in the next chunk
        else if (buffer.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
      this.#line(line);
    }
    this.#buffer = buffer.slice(start);
  }

  #line(line) {
    if (line === "") return this.#dispatch();
    if (line.charCodeAt(0) === 58) return;                        // ":" comment, e.g. ": keep-alive"
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "event") this.#type = value;
    else if (field === "data") this.#data += value + "\n";
    else if (field === "id") { if (!value.includes("\0")) this.#idBuffer = value; }
    else if (field === "retry" && /^[0-9]+$/.test(value)) this.#retry = this.#eventRetry = Number(value);
  }

  #dispatch() {
    this.#lastEventId = this.#idBuffer;
    const retry = this.#eventRetry;
    this.#eventRetry = undefined;
    const data = this.#data;
    const type = this.#type;
    this.#data = "";
    this.#type = "";
    if (data === "") return;
    const event = { event: type || "message", id: this.#lastEventId, data: data.slice(0, -1) };
    if (retry !== undefined) event.retry = retry;
    this.#onEvent(event);
  }
}

// ---------------------------------------------------------------------------
// Small helpers.

class MemoryStorage {
  #items = new Map();
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
  removeItem(key) { this.#items.delete(key); }
}

/**
 * A ustar archive of `documents` ({name, blob}) as one Blob made of the
 * documents' own Blobs (the browser streams it; nothing is copied into the
 * page). A name that is not ASCII or longer than 99 bytes, or a size of 8 GiB
 * or more, goes in a pax header before its entry.
 */
export function tarBlob(documents) {
  const parts = [];
  const encoder = new TextEncoder();
  for (const doc of documents) {
    const name = encoder.encode(doc.name);
    const size = doc.blob.size;
    const ascii = name.every((byte) => byte < 0x80);
    if (!ascii || name.length > 99 || size >= 0o77777777777) {
      let records = paxRecord("path", doc.name);
      if (size >= 0o77777777777) records += paxRecord("size", String(size));
      const data = encoder.encode(records);
      parts.push(tarHeader(encoder.encode("PaxHeader"), data.length, "x"), data, tarPadding(data.length));
    }
    parts.push(tarHeader(ascii && name.length <= 99 ? name : encoder.encode("podpis-document"), Math.min(size, 0o77777777777 - 1), "0"));
    parts.push(doc.blob, tarPadding(size));
  }
  parts.push(new Uint8Array(1024));
  return new Blob(parts, { type: "application/x-tar" });
}

/** A pax record: "LENGTH KEY=VALUE\n", LENGTH counting itself (UTF-8 bytes). */
function paxRecord(key, value) {
  const rest = ` ${key}=${value}\n`;
  const bytes = new TextEncoder().encode(rest).length;
  let length = bytes + String(bytes).length;
  if (String(length).length !== String(bytes).length) length = bytes + String(length).length;
  return `${length}${rest}`;
}

function tarPadding(size) {
  return new Uint8Array((512 - (size % 512)) % 512);
}

/** One 512-byte ustar header: name, mode 0644, size, typeflag, magic, checksum. */
function tarHeader(name, size, type) {
  const header = new Uint8Array(512);
  const put = (offset, text) => { for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i); };
  header.set(name.subarray(0, 100), 0);
  put(100, "0000644\0");
  put(108, "0000000\0");
  put(116, "0000000\0");
  put(124, size.toString(8).padStart(11, "0") + "\0");
  put(136, "00000000000\0");
  put(148, "        ");
  put(156, type);
  put(257, "ustar\0");
  put(263, "00");
  const sum = header.reduce((total, byte) => total + byte, 0);
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return header;
}

/** A page on a loopback host is in the loopback address space: Local Network Access does not gate its calls. */
function isLoopbackHost(hostname) {
  if (typeof hostname !== "string") return false;
  const host = hostname.toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function defaultStorage() {
  try {
    const storage = globalThis.localStorage;                      // may throw where storage is blocked
    if (storage) return storage;
  } catch { /* fall through */ }
  return new MemoryStorage();
}

function isBlob(value) {
  return value != null && typeof value === "object" && typeof value.arrayBuffer === "function" &&
    typeof value.size === "number";
}

/**
 * Normalises the documents of sign() and verify(): a File (a Blob with a name),
 * or {name, blob, mimeType?}. A Blob without a name is a programming error.
 * @returns {{name: string, blob: Blob, mimeType?: string}}
 */
function namedDocument(item) {
  if (isBlob(item)) {
    if (typeof item.name !== "string" || item.name === "") {
      throw new TypeError("podpis.js: a Blob without a name; pass {name, blob} / Blob bez nazwy; podaj {name, blob}");
    }
    return { name: item.name, blob: item };
  }
  if (item && typeof item.name === "string" && item.name !== "" && isBlob(item.blob)) {
    return { name: item.name, blob: item.blob, mimeType: item.mimeType };
  }
  throw new TypeError("podpis.js: expected a File, a Blob or {name, blob} / oczekiwano File, Blob albo {name, blob}");
}

/** Base64 of bytes, 24 KiB at a time (a multiple of 3 bytes, so no padding inside). */
function toBase64(bytes) {
  const parts = [];
  for (let i = 0; i < bytes.length; i += 24576) {
    parts.push(btoa(String.fromCharCode.apply(null, bytes.subarray(i, i + 24576))));
  }
  return parts.join("");
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The file name of a Content-Disposition header: filename*=UTF-8'' preferred, else filename=. */
export function dispositionFilename(header) {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(header);
  if (extended) {
    try { return decodeURIComponent(extended[1]); } catch { /* fall back to filename= */ }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return quoted[1].replace(/\\(.)/g, "$1");
  const token = /filename\s*=\s*([^;\s]+)/i.exec(header);
  return token ? token[1] : undefined;
}

/** A query string encoded with encodeURIComponent (podpisd does not read "+" as a space). */
function query(parameters) {
  const pairs = Object.entries(parameters).filter(([, value]) => value !== undefined && value !== null);
  return pairs.length ? "?" + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&") : "";
}

/** Only the options that were given (JSON bodies are strict: null is fine, unknown fields are not). */
function defined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

// ---------------------------------------------------------------------------

/**
 * The client of one podpisd.
 *
 * Every call takes `{signal}` (an AbortSignal): aborting closes the connection,
 * which withdraws the request from the clerk's screen; the call rejects with
 * PodpisError code "aborted". Every failure is a PodpisError.
 */
export class Podpis {
  #fetch;
  #storage;
  #permissions;
  #setTimeout;
  #clearTimeout;

  /**
   * @param {object} [options]
   * @param {string} [options.application] shown to the clerk when pairing
   * @param {string[]} [options.endpoints] default DEFAULT_ENDPOINTS
   * @param {{getItem, setItem, removeItem}|null} [options.storage] default localStorage, else (or null) in memory
   * @param {boolean} [options.autoPair] default true: a call that needs the token pairs when there is none
   *   (the clerk is asked); false: it is sent with the stored token only, and "not-paired" is the caller's to handle
   * @param {typeof fetch} [options.fetch] default globalThis.fetch
   * @param {"pl"|"en"} [options.language] default from navigator.language
   * @param {{query(d: {name: string}): Promise<{state: string}>}} [options.permissions] default navigator.permissions
   * @param {typeof setTimeout} [options.setTimeout] for the reconnection delays (tests)
   * @param {typeof clearTimeout} [options.clearTimeout]
   */
  constructor(options = {}) {
    const fetchFunction = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.#fetch = (url, init) => fetchFunction(url, init);       // never called with `this` = Podpis
    this.#storage = options.storage === null ? new MemoryStorage() : options.storage ?? defaultStorage();
    /** Whether calls that need the token pair by themselves (the clerk is asked). */
    this.autoPair = options.autoPair ?? true;
    this.#permissions = options.permissions ?? globalThis.navigator?.permissions;
    this.#setTimeout = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.#clearTimeout = options.clearTimeout ?? ((id) => globalThis.clearTimeout(id));
    /** @type {string|undefined} */
    this.application = options.application;
    /** @type {readonly string[]} */
    this.endpoints = Object.freeze([...(options.endpoints ?? DEFAULT_ENDPOINTS)]);
    if (this.endpoints.length === 0) throw new TypeError("podpis.js: no endpoints");
    /** The endpoint in use: the first configured until connect() finds the daemon. */
    this.endpoint = this.endpoints[0];
    /** @type {"pl"|"en"} */
    this.language = options.language ?? defaultLanguage();
  }

  // --- the one place requests go out -------------------------------------

  /**
   * Sends one request to the current endpoint. Adds `targetAddressSpace:
   * "loopback"` (Chromium's Local Network Access; other browsers ignore it).
   * A rejected fetch becomes PodpisError "aborted", or `failure`
   * ("unreachable", "pairing-failed"), or "local-network-blocked".
   */
  async #send(path, init, failure = "unreachable", endpoint = this.endpoint) {
    const signal = init.signal;
    if (signal?.aborted) throw this.#error("aborted", { cause: signal.reason });
    try {
      return await this.#fetch(endpoint + path, { ...init, targetAddressSpace: "loopback" });
    } catch (error) {
      if (signal?.aborted || error?.name === "AbortError") throw this.#error("aborted", { cause: error });
      throw this.#error(await this.#networkCode(failure), { cause: error });
    }
  }

  /** After a rejected fetch: "local-network-blocked" when the browser says the page lacks the permission. */
  async #networkCode(failure) {
    const permissions = this.#permissions;
    if (typeof permissions?.query !== "function" || isLoopbackHost(globalThis.location?.hostname)) return failure;
    for (const name of LNA_PERMISSIONS) {
      let state;
      try {
        state = (await permissions.query({ name })).state;
      } catch {
        continue;                                                 // a name this browser does not know
      }
      return state === "denied" || state === "prompt" ? "local-network-blocked" : failure;
    }
    return failure;
  }

  #error(code, init = {}) {
    return new PodpisError(code, { language: this.language, ...init });
  }

  /** Reads a body; a failure while reading is "aborted" or "unreachable", unreadable JSON "bad-response". */
  async #read(response, kind, signal) {
    let body;
    try {
      body = kind === "blob" ? await response.blob() : await response.text();
    } catch (error) {
      throw this.#error(signal?.aborted || error?.name === "AbortError" ? "aborted" : "unreachable", { cause: error });
    }
    if (kind !== "json") return body;
    try {
      return JSON.parse(body);
    } catch (error) {
      throw this.#error("bad-response", {
        status: response.status, requestId: response.headers.get("X-Request-Id") ?? undefined,
        detail: "JSON", cause: error,
      });
    }
  }

  /** The PodpisError of an answer that is not 2xx: its problem+json, or "bad-response". */
  async #problem(response, signal) {
    const status = response.status;
    const headerId = response.headers.get("X-Request-Id") ?? undefined;
    const text = await this.#read(response, "text", signal).catch((error) => {
      if (error.code === "aborted") throw error;
      return "";
    });
    let problem;
    try { problem = JSON.parse(text); } catch { /* not JSON */ }
    if (problem && typeof problem === "object") {
      const code = typeof problem.code === "string" ? problem.code
        : typeof problem.type === "string" && problem.type.startsWith("urn:podpis:problem:")
          ? problem.type.slice("urn:podpis:problem:".length) : undefined;
      if (code) {
        const m = problem.message;
        const fallback = problem.detail ?? problem.title ?? code;
        const messages = {
          pl: typeof m?.pl === "string" ? m.pl : fallback,
          en: typeof m?.en === "string" ? m.en : (problem.title ?? fallback),
        };
        return this.#error(code, {
          status, reason: problem.reason, requestId: problem.requestId ?? headerId,
          triesLeft: typeof problem.triesLeft === "number" ? problem.triesLeft : undefined,
          messages, problem,
        });
      }
    }
    return this.#error("bad-response", { status, requestId: headerId, detail: `HTTP ${status}` });
  }

  /** A request whose answer must be 2xx; returns the Response. */
  async #call(path, init, failure) {
    const response = await this.#send(path, init, failure);
    if (!response.ok) throw await this.#problem(response, init.signal);
    return response;
  }

  async #getJSON(path, signal) {
    const response = await this.#call(path, { method: "GET", headers: { Accept: JSON_TYPE }, signal });
    return this.#read(response, "json", signal);
  }

  /**
   * A request that needs the pairing token: ensurePaired() first (unless a
   * token is given); on 403 not-paired, forget the token, pair again and retry
   * once (only once). `request` is the fetch init without the token, which
   * is added here as `Authorization: Bearer` when there is one (the body must
   * be sendable twice: a Blob or a string).
   */
  async #authorized(path, request, { signal, onStage, token } = {}) {
    if (token === undefined && this.autoPair) {
      onStage?.("pairing");
      token = await this.ensurePaired({ signal });
    } else if (token === undefined) {
      token = this.token;
    }
    for (let attempt = 0; ; attempt++) {
      onStage?.("sending");
      const headers = token ? { ...request.headers, Authorization: `Bearer ${token}` } : request.headers;
      const sent = this.#send(path, { ...request, headers, signal });
      onStage?.("waiting");
      const response = await sent;
      if (response.ok) return response;
      const error = await this.#problem(response, signal);
      if (error.code !== "not-paired" || attempt > 0 || !this.autoPair) throw error;
      this.forget();
      onStage?.("pairing");
      token = (await this.pair({ signal })).token;
    }
  }

  // --- finding the daemon, pairing ----------------------------------------

  /**
   * Finds podpisd: GET /v1/status on each endpoint in order; the first that
   * answers is kept as `endpoint`. Resolves to its status JSON.
   * A page whose origin is not approved yet gets no readable answer (pair first).
   * @param {{signal?: AbortSignal}} [options]
   */
  async connect({ signal } = {}) {
    let first;
    for (const endpoint of this.endpoints) {
      let response;
      try {
        response = await this.#send("/v1/status", { method: "GET", headers: { Accept: JSON_TYPE }, signal },
          "unreachable", endpoint);
      } catch (error) {
        if (error.code === "aborted") throw error;
        first ??= error;
        continue;
      }
      this.endpoint = endpoint;
      if (!response.ok) throw await this.#problem(response, signal);
      return this.#read(response, "json", signal);
    }
    throw first;
  }

  get #tokenKey() { return TOKEN_KEY + this.endpoint; }

  /** The stored pairing token of this endpoint, or null. */
  get token() {
    try { return this.#storage.getItem(this.#tokenKey); } catch { return null; }
  }

  /** Forgets the stored pairing token of this endpoint. */
  forget() {
    try { this.#storage.removeItem(this.#tokenKey); } catch { /* storage unavailable */ }
  }

  /**
   * Asks the clerk (in `podpis agent`) to allow this page: POST /v1/pairing.
   * Takes up to agent_timeout_seconds (120 s) while the clerk decides. On 201
   * the token is stored. A refusal the page cannot read is "pairing-failed".
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<{kind: string, token: string, origin?: string}>}
   */
  async pair({ signal } = {}) {
    const init = { method: "POST", headers: { Accept: JSON_TYPE }, signal };
    if (this.application !== undefined) {
      init.headers["Content-Type"] = JSON_TYPE;
      init.body = JSON.stringify({ application: this.application });
    }
    const response = await this.#call("/v1/pairing", init, "pairing-failed");
    const pairing = await this.#read(response, "json", signal);
    if (typeof pairing?.token !== "string" || pairing.token === "") {
      throw this.#error("bad-response", { status: response.status, detail: "token" });
    }
    try { this.#storage.setItem(this.#tokenKey, pairing.token); } catch { /* kept for this call only */ }
    return pairing;
  }

  /**
   * The stored token if GET /v1/pairing still accepts it (200), else (none,
   * 403 not-paired, no readable answer, anything else) forgets it and pairs.
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<string>} the token
   */
  async ensurePaired({ signal } = {}) {
    const token = this.token;
    if (token) {
      try {
        const response = await this.#send("/v1/pairing",
          { method: "GET", headers: { Accept: JSON_TYPE, Authorization: `Bearer ${token}` }, signal });
        await response.body?.cancel?.().catch(() => {});
        if (response.status === 200) return token;
      } catch (error) {
        if (error.code === "aborted") throw error;
      }
      this.forget();
    }
    return (await this.pair({ signal })).token;
  }

  // --- reading --------------------------------------------------------------

  /** GET /v1/status. */
  status({ signal } = {}) { return this.#getJSON("/v1/status", signal); }
  /** GET /v1/readers (podpis.readers/1). */
  readers({ signal } = {}) { return this.#getJSON("/v1/readers", signal); }
  /** GET /v1/tokens (podpis.tokens/1). */
  tokens({ signal } = {}) { return this.#getJSON("/v1/tokens", signal); }
  /** The `certificates` array of GET /v1/certificates; pass an `id` as sign()'s `certificate`. */
  async certificates({ signal } = {}) {
    const list = await this.#getJSON("/v1/certificates", signal);
    if (!Array.isArray(list?.certificates)) throw this.#error("bad-response", { detail: "certificates" });
    return list.certificates;
  }

  // --- signing --------------------------------------------------------------

  /**
   * Signs documents: POST /v1/sign, approved by the clerk in `podpis agent`.
   *
   * Forms: "raw" (one document streamed as the body, options in the query;
   * Content-Type = mimeType given with the document, else the Blob's type, else
   * application/octet-stream), "json" (base64 documents), "digest" (only the
   * digests, computed here; detached only), "auto" (one document → raw,
   * several → json). `onStage` hears "pairing", "hashing" (digest form),
   * "sending" and "waiting" (the request is out: the clerk is being asked).
   *
   * @param {Blob | {name: string, blob: Blob, mimeType?: string} | Array<Blob | {name: string, blob: Blob, mimeType?: string}>} input
   * @param {object} [options] see podpis.d.ts SignOptions
   * @returns {Promise<{requestId: string, certificate?: string, signedAt?: string,
   *   signatures: Array<{name: string, mimeType: string, blob: Blob, documents?: string[]}>}>}
   */
  async sign(input, options = {}) {
    const documents = (Array.isArray(input) ? input : [input]).map(namedDocument);
    if (documents.length === 0) throw new TypeError("podpis.js: no document to sign / brak dokumentu");
    const { signal, onStage } = options;
    let form = options.form ?? "auto";
    if (form === "auto") form = documents.length === 1 ? "raw" : "json";
    if (form === "digest" && (options.packaging ?? "detached") !== "detached") {
      throw this.#error("digest-not-allowed");
    }
    if (form === "raw" && documents.length !== 1) {
      throw new TypeError("podpis.js: the raw form signs one document / forma raw podpisuje jeden dokument");
    }
    if (!["raw", "json", "digest"].includes(form)) throw new TypeError(`podpis.js: unknown form ${form}`);
    let token = this.token;
    if (this.autoPair) {
      onStage?.("pairing");
      token = await this.ensurePaired({ signal });
    }
    if (form === "raw") return this.#signRaw(documents[0], options, token);

    const algorithm = options.digest ?? "SHA-256";
    const items = [];
    if (form === "digest") {
      onStage?.("hashing");
      const subtle = globalThis.crypto?.subtle;
      if (!subtle) throw new TypeError("podpis.js: crypto.subtle is not available (a secure context is needed)");
      for (const doc of documents) {
        const digest = await subtle.digest(algorithm, await doc.blob.arrayBuffer());
        items.push({
          name: doc.name, mimeType: this.#mimeType(doc, options), size: doc.blob.size,
          digest: { algorithm, value: toBase64(new Uint8Array(digest)) },
        });
        if (signal?.aborted) throw this.#error("aborted", { cause: signal.reason });
      }
    } else {
      for (const doc of documents) {
        items.push({ name: doc.name, mimeType: this.#mimeType(doc, options),
          content: toBase64(new Uint8Array(await doc.blob.arrayBuffer())) });
        if (signal?.aborted) throw this.#error("aborted", { cause: signal.reason });
      }
    }
    const body = JSON.stringify(defined({
      format: options.format, packaging: form === "digest" ? "detached" : options.packaging, level: options.level,
      certificate: options.certificate, commitment: options.commitment, role: options.role,
      digest: form === "digest" ? algorithm : options.digest, documents: items,
    }));
    const response = await this.#authorized("/v1/sign", {
      method: "POST", headers: { "Content-Type": JSON_TYPE, Accept: JSON_TYPE }, body,
    }, { signal, onStage, token });
    const result = await this.#read(response, "json", signal);
    if (!Array.isArray(result?.signatures)) {
      throw this.#error("bad-response", { status: response.status, requestId: result?.requestId, detail: "signatures" });
    }
    try {
      return defined({
        requestId: result.requestId ?? response.headers.get("X-Request-Id") ?? "",
        certificate: result.certificate, signedAt: result.signedAt,
        signatures: result.signatures.map((s) => defined({
          name: s.name, mimeType: s.mimeType,
          blob: new Blob([fromBase64(s.content)], { type: s.mimeType }),
          documents: s.documents,
        })),
      });
    } catch (error) {
      throw this.#error("bad-response", { requestId: result.requestId, detail: "base64", cause: error });
    }
  }

  #mimeType(doc, options) {
    return doc.mimeType || options.mimeType || doc.blob.type || "application/octet-stream";
  }

  /** Form 1: the document as the body, streamed by the browser; the answer is the signature file. */
  async #signRaw(doc, options, token) {
    const { signal, onStage } = options;
    const path = "/v1/sign" + query({
      name: doc.name, format: options.format, packaging: options.packaging, level: options.level,
      certificate: options.certificate, commitment: options.commitment, role: options.role,
      digest: options.digest, mimeType: options.mimeType,
    });
    const contentType = doc.mimeType || doc.blob.type || "application/octet-stream";
    const response = await this.#authorized(path, {
      method: "POST", headers: { "Content-Type": contentType }, body: doc.blob,
    }, { signal, onStage, token });
    const blob = await this.#read(response, "blob", signal);
    const headers = response.headers;
    let name = dispositionFilename(headers.get("Content-Disposition"));
    if (!name && headers.get("X-Podpis-Signature-Name")) {
      try { name = decodeURIComponent(headers.get("X-Podpis-Signature-Name")); } catch { /* below */ }
    }
    name ||= doc.name + (options.format === "cades" ? ".p7s" : ".xades");
    const mimeType = (headers.get("Content-Type") ?? blob.type ?? "").split(";")[0].trim() || "application/octet-stream";
    return {
      requestId: headers.get("X-Request-Id") ?? "",
      signatures: [{ name, mimeType, blob, documents: [doc.name] }],
    };
  }

  // --- verifying ------------------------------------------------------------

  /**
   * Verifies a signature file: POST /v1/verify (JSON form; with detached files the tar form). No card, no clerk.
   * text: false → the report (podpis.verify/1); text: true → the clerk's text in
   * this.language (first line: the verdict).
   * @param {Blob | {name: string, blob: Blob}} signatureFile
   * @param {{detached?: Array<Blob | {name: string, blob: Blob}>, text?: boolean, at?: string, signal?: AbortSignal}} [options]
   */
  async verify(signatureFile, { detached, text = false, at, signal } = {}) {
    const accept = text ? { Accept: "text/plain", "Accept-Language": this.language } : { Accept: JSON_TYPE };
    const signature = namedDocument(signatureFile);
    let path = "/v1/verify", contentType, body;
    if (detached?.length) {
      // The tar form: the files go as they are, streamed by the browser from
      // a Blob of Blobs (nothing read into the page, no base64), so a
      // detached signature of a large file is checked against the file.
      path += query({ name: signature.name, at });
      contentType = "application/x-tar";
      body = tarBlob([signature, ...detached.map(namedDocument)]);
    } else {
      const request = { signature: { name: signature.name, content: toBase64(new Uint8Array(await signature.blob.arrayBuffer())) } };
      if (at !== undefined) request.at = at;
      contentType = JSON_TYPE;
      body = JSON.stringify(request);
    }
    const response = await this.#authorized(path, {
      method: "POST", headers: { "Content-Type": contentType, ...accept }, body,
    }, { signal });
    return this.#read(response, text ? "text" : "json", signal);
  }

  // --- events ---------------------------------------------------------------

  /**
   * Follows GET /v1/events (fetch, not EventSource, so that the token can be
   * sent). Reconnects after a drop after 1 s, doubling up to 30 s while it
   * fails (the server's `retry:`, at least 100 ms, replaces the 1 s); onOpen is called on every
   * (re)connection: re-read what you show, events are not replayed. A readable
   * 4xx answer (other than 408/429) ends the stream after onError.
   * @param {{onEvent?: Function, onOpen?: Function, onError?: Function}} handlers
   * @param {{signal?: AbortSignal}} [options]
   * @returns {{close(): void, readonly closed: boolean}}
   */
  events(handlers, { signal } = {}) {
    return this.#follow("/v1/events", handlers, signal, undefined);
  }

  /** @internal shared by events() and Batch.events(); `last` names an event after which the stream ends. */
  #follow(path, handlers = {}, signal, last) {
    const controller = new AbortController();
    let closed = false;
    let reader;
    let timer;
    let wake;
    const stream = {
      close: () => {
        if (closed) return;
        closed = true;
        signal?.removeEventListener("abort", stream.close);
        controller.abort();
        reader?.cancel().catch(() => {});
        if (timer !== undefined) this.#clearTimeout(timer);
        wake?.();
      },
      get closed() { return closed; },
    };
    if (signal?.aborted) { stream.close(); return stream; }
    signal?.addEventListener("abort", stream.close, { once: true });
    // A handler that throws must not break the stream: its exception is reported on its own
    // (reportError in browsers: the console and window.onerror; elsewhere an uncaught exception).
    const call = (handler, argument) => {
      try {
        handler?.(argument);
      } catch (error) {
        if (typeof globalThis.reportError === "function") globalThis.reportError(error);
        else queueMicrotask(() => { throw error; });
      }
    };
    const report = (error) => { if (!closed) call(handlers.onError, error); };

    const run = async () => {
      let failures = 0;
      let base = RETRY_FIRST_MS;
      while (!closed) {
        try {
          const headers = { Accept: "text/event-stream" };
          const token = this.token;
          if (token) headers.Authorization = `Bearer ${token}`;
          const response = await this.#send(path, { method: "GET", headers, signal: controller.signal });
          if (!response.ok) {
            const error = await this.#problem(response, controller.signal);
            if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
              report(error);
              stream.close();
              return;
            }
            throw error;
          }
          if (!response.body?.getReader) throw this.#error("bad-response", { status: response.status, detail: "stream" });
          failures = 0;
          call(handlers.onOpen);
          const parser = new SSEParser((event) => {
            if (closed) return;
            let data = event.data;
            try { data = JSON.parse(data); } catch { /* not JSON: the string */ }
            call(handlers.onEvent, { event: event.event, id: event.id, data });
            if (event.event === last) stream.close();
          });
          reader = response.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done || closed) break;
            parser.push(value);
            if (parser.retry !== undefined) base = Math.max(parser.retry, RETRY_MIN_MS);
          }
          parser.end();
          if (!closed) report(this.#error("unreachable", { detail: "stream ended" }));
        } catch (error) {
          if (closed) return;
          report(error instanceof PodpisError ? error
            : this.#error(error?.name === "AbortError" ? "aborted" : "unreachable", { cause: error }));
        }
        if (closed) return;
        const delay = Math.min(base * 2 ** failures, RETRY_MAX_MS);
        failures++;
        await new Promise((resolve) => {
          wake = resolve;
          timer = this.#setTimeout(resolve, delay);
        });
        timer = undefined;
      }
    };
    run();
    return stream;
  }

  // --- seal batches -----------------------------------------------------------

  /**
   * Creates a seal batch: POST /v1/batches {"profile": …}. Only where the seal
   * certificate's policy names this page's origin.
   * @param {string} profile a [seal.NAME] of podpisd.toml
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<Batch>}
   */
  async createBatch(profile, { signal } = {}) {
    const body = JSON.stringify({ profile });
    const response = await this.#authorized("/v1/batches", {
      method: "POST", headers: { "Content-Type": JSON_TYPE, Accept: JSON_TYPE }, body,
    }, { signal });
    const info = await this.#read(response, "json", signal);
    if (typeof info?.id !== "string") throw this.#error("bad-response", { status: response.status, detail: "id" });
    return new Batch(this.#batchAccess(), info);
  }

  /** GET /v1/batches: this page's own batches (oldest first). */
  async batches({ signal } = {}) {
    const list = await this.#getJSON("/v1/batches", signal);
    if (!Array.isArray(list?.batches)) throw this.#error("bad-response", { detail: "batches" });
    return list.batches;
  }

  /** A Batch for a known id (e.g. found again with batches() after a reload). */
  batch(id) {
    return new Batch(this.#batchAccess(), { id });
  }

  /** What a Batch may use of its Podpis: the private request helpers. */
  #batchAccess() {
    return {
      authorized: (path, request, signal) => this.#authorized(path, request, { signal }),
      call: (path, init) => this.#call(path, init),
      read: (response, kind, signal) => this.#read(response, kind, signal),
      getJSON: (path, signal) => this.#getJSON(path, signal),
      follow: (path, handlers, signal, last) => this.#follow(path, handlers, signal, last),
      error: (code, init) => this.#error(code, init),
    };
  }
}

/**
 * A seal batch of podpisd (see "Seal batches" in docs/protocol.md). Made by
 * Podpis.createBatch() or Podpis.batch(id).
 */
export class Batch {
  #api;
  #sha256 = new Map();                                            // document name → SHA-256 podpisd reported at upload

  /** @param {object} api @param {{id: string}} info */
  constructor(api, info) {
    this.#api = api;
    /** The batch id. */
    this.id = info.id;
    /** The batch as created. */
    this.info = info;
  }

  get #base() { return `/v1/batches/${encodeURIComponent(this.id)}`; }

  #document(name) { return `${this.#base}/documents/${encodeURIComponent(name)}`; }

  #post(path, method, signal, body) {
    const request = { method, headers: { Accept: JSON_TYPE } };
    if (body !== undefined) request.body = body;
    return this.#api.authorized(path, request, signal);
  }

  /**
   * Uploads one document: PUT /v1/batches/ID/documents/NAME, the body streamed.
   * The answer (201, or 200 for the same content again) means it is on disk and will be sealed.
   * @param {Blob} document @param {string} [name] default the File's name
   * @param {{signal?: AbortSignal}} [options]
   */
  async put(document, name, { signal } = {}) {
    name ??= document?.name;
    if (typeof name !== "string" || name === "") throw new TypeError("podpis.js: a document name is needed / potrzebna nazwa");
    const response = await this.#post(this.#document(name), "PUT", signal, document);
    const answer = await this.#api.read(response, "json", signal);
    if (typeof answer?.sha256 === "string") this.#sha256.set(name, answer.sha256);
    return answer;
  }

  /** POST …/close: no more documents. */
  async close({ signal } = {}) {
    return this.#api.read(await this.#post(`${this.#base}/close`, "POST", signal), "json", signal);
  }

  /** POST …/cancel: queued documents are not sealed. */
  async cancel({ signal } = {}) {
    return this.#api.read(await this.#post(`${this.#base}/cancel`, "POST", signal), "json", signal);
  }

  /** GET /v1/batches/ID. */
  status({ signal } = {}) { return this.#api.getJSON(this.#base, signal); }

  /** GET …/documents: the documents and their states. */
  async documents({ signal } = {}) {
    const list = await this.#api.getJSON(`${this.#base}/documents`, signal);
    if (!Array.isArray(list?.documents)) throw this.#api.error("bad-response", { detail: "documents" });
    return list.documents;
  }

  /**
   * GET …/documents/NAME/seal: the seal of one document, as a Blob. Checks
   * X-Podpis-Document-SHA256 against `expectedSha256` (default: the SHA-256
   * podpisd reported when this object uploaded it), and X-Podpis-Seal-SHA256
   * against the bytes received; a mismatch is "bad-response" (do not store it).
   * @param {string} name @param {{signal?: AbortSignal, expectedSha256?: string}} [options]
   */
  async seal(name, { signal, expectedSha256 } = {}) {
    const response = await this.#api.call(`${this.#document(name)}/seal`, { method: "GET", signal });
    const blob = await this.#api.read(response, "blob", signal);
    const requestId = response.headers.get("X-Request-Id") ?? undefined;
    const expected = (expectedSha256 ?? this.#sha256.get(name))?.toLowerCase();
    const documentSha = response.headers.get("X-Podpis-Document-SHA256")?.toLowerCase();
    if (expected && documentSha && expected !== documentSha) {
      throw this.#api.error("bad-response", { requestId, detail: `${name}: X-Podpis-Document-SHA256` });
    }
    const sealSha = response.headers.get("X-Podpis-Seal-SHA256")?.toLowerCase();
    const subtle = globalThis.crypto?.subtle;
    if (sealSha && subtle) {
      const actual = hex(await subtle.digest("SHA-256", await blob.arrayBuffer()));
      if (actual !== sealSha) throw this.#api.error("bad-response", { requestId, detail: `${name}: X-Podpis-Seal-SHA256` });
    }
    return blob;
  }

  /**
   * Follows GET /v1/batches/ID/events like Podpis.events(): "status", "document",
   * then "end", after which the stream is closed (no reconnection).
   */
  events(handlers, { signal } = {}) {
    return this.#api.follow(`${this.#base}/events`, handlers, signal, "end");
  }

  /** DELETE /v1/batches/ID: the batch, its documents and seals are removed. */
  async remove({ signal } = {}) {
    const response = await this.#post(this.#base, "DELETE", signal);
    await response.body?.cancel?.().catch(() => {});
  }
}
