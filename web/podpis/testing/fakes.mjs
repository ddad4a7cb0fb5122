// Fakes for the unit tests of podpis.js (kept outside test/ so that `node --test test/`
// does not run this file as a test of its own).

import { webcrypto } from "node:crypto";

// Node 18 has no global crypto; the digest form and seal() use crypto.subtle.
if (!globalThis.crypto) globalThis.crypto = webcrypto;

export const V4 = "http://127.0.0.1:35900";
export const V6 = "http://[::1]:35900";

/** A Web Storage stand-in that shows what it holds. */
export class FakeStorage {
  constructor(items = {}) { this.items = new Map(Object.entries(items)); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
  removeItem(key) { this.items.delete(key); }
  toJSON() { return Object.fromEntries(this.items); }
}

/** A File for Node 18 (which has no File): a Blob with a name. */
export class TestFile extends Blob {
  constructor(parts, name, options) {
    super(parts, options);
    Object.defineProperty(this, "name", { value: name });
  }
}

export function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

export function problem(status, code, extra = {}) {
  const body = {
    type: `urn:podpis:problem:${code}`, title: code, status, detail: `PL ${code}`, code,
    message: { pl: `PL ${code}`, en: `EN ${code}` }, requestId: `rid-${code}`, ...extra,
  };
  return new Response(JSON.stringify(body), {
    status, headers: { "Content-Type": "application/problem+json", "X-Request-Id": `rid-${code}` },
  });
}

export const networkError = () => { throw new TypeError("Failed to fetch"); };

/** A responder that never answers until the request's signal aborts (then rejects as fetch does). */
export function hang(url, init) {
  return new Promise((resolve, reject) => {
    const signal = init.signal;
    const fail = () => reject(new DOMException("The operation was aborted.", "AbortError"));
    if (signal?.aborted) fail();
    signal?.addEventListener("abort", fail, { once: true });
  });
}

/**
 * A scripted fetch: answers the calls in order with the given responders
 * ((url, init) => Response, or throw). Every call is recorded; calls beyond the
 * script get a 599 answer, which the tests' exact call lists catch.
 */
export class FakeFetch {
  constructor(...responders) {
    this.responders = responders;
    this.calls = [];
    this.fetch = async (url, init = {}) => {
      this.calls.push({ url, init, method: init.method ?? "GET", headers: { ...(init.headers ?? {}) } });
      const responder = this.responders.shift();
      if (!responder) return new Response("unexpected call", { status: 599 });
      return responder(url, init);
    };
  }
  /** "METHOD URL" of each call. */
  get lines() { return this.calls.map((c) => `${c.method} ${c.url}`); }
}

/** A response whose body is a stream the test writes to. */
export function streamResponse(headers = { "Content-Type": "text/event-stream" }) {
  let controller;
  const stream = new ReadableStream({ start(c) { controller = c; }, cancel() { state.cancelled = true; } });
  const encoder = new TextEncoder();
  const state = {
    response: new Response(stream, { status: 200, headers }),
    cancelled: false,
    write(text) {
      if (state.cancelled) return;
      controller.enqueue(typeof text === "string" ? encoder.encode(text) : text);
    },
    end() { if (!state.cancelled) controller.close(); },
  };
  return state;
}

/** Timers that record the delays asked and fire on the next turn. */
export function fakeTimers() {
  const timers = {
    delays: [],
    setTimeout(fn, ms) {
      timers.delays.push(ms);
      // A runaway reconnection loop (a bug) stops here instead of keeping the test process alive.
      return timers.delays.length > 100 ? undefined : setImmediate(fn);
    },
    clearTimeout(id) { clearImmediate(id); },
  };
  return timers;
}

/** Waits (a bounded number of event-loop turns) until the predicate holds. */
export async function until(predicate, turns = 500) {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("until: the condition never held");
}

/** A rejected promise's error, or an assertion failure if it resolved. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}
