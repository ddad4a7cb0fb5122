import { test } from "node:test";
import assert from "node:assert/strict";
import { Podpis, PodpisError } from "../podpis.js";
import { FakeFetch, FakeStorage, V4, fakeTimers, networkError, problem, streamResponse, until } from "../testing/fakes.mjs";

const KEY = `podpis-token:${V4}`;

function client(fake, timers, storage = new FakeStorage()) {
  return new Podpis({ fetch: fake.fetch, storage, language: "pl", setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
}

function recorder() {
  const log = [];
  return {
    log,
    handlers: {
      onEvent: (e) => log.push(["event", e]),
      onOpen: () => log.push(["open"]),
      onError: (e) => log.push(["error", e.code]),
    },
  };
}

test("events(): GET /v1/events by fetch, parsed; data as JSON or the raw string", async () => {
  const timers = fakeTimers();
  const s = streamResponse();
  const fake = new FakeFetch(() => s.response);
  const { log, handlers } = recorder();
  const stream = client(fake, timers).events(handlers);
  await until(() => log.length === 1);
  s.write("event: card-inserted\nid: 42\ndata: {\"reader\":\"Gemalto\",\"atr\":\"3B 7F\"}\n\n: keep-alive\n\n");
  s.write("event: pcsc-lost\nid: 43\ndata: not json\n\n");
  await until(() => log.length === 3);
  assert.deepEqual(log, [
    ["open"],
    ["event", { event: "card-inserted", id: "42", data: { reader: "Gemalto", atr: "3B 7F" } }],
    ["event", { event: "pcsc-lost", id: "43", data: "not json" }],
  ]);
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/events`]);
  assert.deepEqual(fake.calls[0].headers, { Accept: "text/event-stream" });      // no token stored: no Authorization
  assert.equal(fake.calls[0].init.targetAddressSpace, "loopback");
  assert.ok(fake.calls[0].init.signal instanceof AbortSignal);
  stream.close();
  assert.equal(stream.closed, true);
  await until(() => s.cancelled);
  assert.equal(fake.calls.length, 1);
});

test("events(): the stored token goes in the Authorization header, never in the URL", async () => {
  const timers = fakeTimers();
  const s = streamResponse();
  const fake = new FakeFetch(() => s.response);
  const stream = client(fake, timers, new FakeStorage({ [KEY]: "TOK" })).events({});
  await until(() => fake.calls.length === 1);
  assert.equal(fake.calls[0].url, `${V4}/v1/events`);
  assert.deepEqual(fake.calls[0].headers, { Accept: "text/event-stream", Authorization: "Bearer TOK" });
  stream.close();
});

test("events(): reconnects after failures with 1 s doubling to 30 s, onOpen on each connection", async () => {
  const timers = fakeTimers();
  const opened = streamResponse();
  const fake = new FakeFetch(networkError, networkError, networkError, networkError, networkError, networkError,
    networkError, () => opened.response);
  const { log, handlers } = recorder();
  const stream = client(fake, timers).events(handlers);
  await until(() => log.some((entry) => entry[0] === "open"));
  assert.deepEqual(timers.delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.deepEqual(log.map((entry) => entry.join(" ")), [
    "error unreachable", "error unreachable", "error unreachable", "error unreachable",
    "error unreachable", "error unreachable", "error unreachable", "open",
  ]);
  assert.equal(fake.calls.length, 8);
  stream.close();
});

test("events(): after a drop the delay starts again at 1 s; a second open calls onOpen again", async () => {
  const timers = fakeTimers();
  const first = streamResponse();
  const second = streamResponse();
  const fake = new FakeFetch(networkError, () => first.response, () => second.response);
  const { log, handlers } = recorder();
  const stream = client(fake, timers).events(handlers);
  await until(() => log.filter((e) => e[0] === "open").length === 1);
  first.write("data: 1\n\n");
  first.end();                                                     // podpisd restarted
  await until(() => log.filter((e) => e[0] === "open").length === 2);
  assert.deepEqual(timers.delays, [1000, 1000]);
  assert.deepEqual(log.map((e) => e[0] === "event" ? `event ${e[1].data}` : e.join(" ")),
    ["error unreachable", "open", "event 1", "error unreachable", "open"]);
  stream.close();
});

test("events(): the server's retry: replaces the first delay, and doubles from there", async () => {
  const timers = fakeTimers();
  const first = streamResponse();
  const last = streamResponse();
  const fake = new FakeFetch(() => first.response, networkError, () => last.response);
  const { log, handlers } = recorder();
  const stream = client(fake, timers).events(handlers);
  await until(() => log.length === 1);
  first.write("retry: 5000\n\n");
  first.end();
  await until(() => log.filter((e) => e[0] === "open").length === 2);
  assert.deepEqual(timers.delays, [5000, 10000]);
  stream.close();
});

test("events(): close() during the wait stops reconnecting", async () => {
  const timers = fakeTimers();
  const fake = new FakeFetch(networkError, networkError);
  const { log, handlers } = recorder();
  let stream;
  handlers.onError = () => { log.push(["error"]); stream.close(); };
  stream = client(fake, timers).events(handlers);
  await until(() => log.length === 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fake.calls.length, 1);
  assert.equal(stream.closed, true);
});

test("events(): aborting the signal closes the stream and cancels the body", async () => {
  const timers = fakeTimers();
  const s = streamResponse();
  const fake = new FakeFetch(() => s.response);
  const controller = new AbortController();
  const { log, handlers } = recorder();
  const stream = client(fake, timers).events(handlers, { signal: controller.signal });
  await until(() => log.length === 1);
  controller.abort();
  assert.equal(stream.closed, true);
  assert.equal(fake.calls[0].init.signal.aborted, true);
  await until(() => s.cancelled);
  s.write("data: late\n\n");
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(log, [["open"]]);
  assert.deepEqual(timers.delays, []);
});

test("events(): a readable 4xx problem ends the stream after onError; a 503 is retried", async () => {
  let timers = fakeTimers();
  let fake = new FakeFetch(() => problem(404, "batch-not-found"));
  let rec = recorder();
  const errors = [];
  rec.handlers.onError = (e) => errors.push(e);
  const stream = client(fake, timers).events(rec.handlers);
  await until(() => stream.closed);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof PodpisError);
  assert.equal(errors[0].code, "batch-not-found");
  assert.deepEqual(timers.delays, []);

  timers = fakeTimers();
  const s = streamResponse();
  fake = new FakeFetch(() => problem(503, "no-agent"), () => s.response);
  rec = recorder();
  const again = client(fake, timers).events(rec.handlers);
  await until(() => rec.log.length === 2);
  assert.deepEqual(rec.log, [["error", "no-agent"], ["open"]]);
  assert.deepEqual(timers.delays, [1000]);
  again.close();
});

test("events(): a handler that throws does not break the stream", async () => {
  const timers = fakeTimers();
  const s = streamResponse();
  const fake = new FakeFetch(() => s.response);
  const seen = [];
  const thrown = [];
  const saved = Object.getOwnPropertyDescriptor(globalThis, "reportError");
  globalThis.reportError = (error) => thrown.push(error.message);
  try {
    const stream = client(fake, timers).events({ onEvent: (e) => { seen.push(e.data); throw new Error("handler bug"); } });
    await until(() => fake.calls.length === 1);
    s.write("data: 1\n\ndata: 2\n\n");
    await until(() => seen.length === 2);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(thrown, ["handler bug", "handler bug"]);
    assert.deepEqual(timers.delays, []);                           // no reconnection
    stream.close();
  } finally {
    if (saved) Object.defineProperty(globalThis, "reportError", saved);
    else delete globalThis.reportError;
  }
});

test("events(): retry: 0 is raised to 100 ms, not a busy loop", async () => {
  const timers = fakeTimers();
  const first = streamResponse();
  const last = streamResponse();
  const fake = new FakeFetch(() => first.response, () => last.response);
  const { log, handlers } = recorder();
  const stream = client(fake, timers).events(handlers);
  await until(() => log.length === 1);
  first.write("retry: 0\n\n");
  first.end();
  await until(() => log.filter((e) => e[0] === "open").length === 2);
  assert.deepEqual(timers.delays, [100]);
  stream.close();
});
