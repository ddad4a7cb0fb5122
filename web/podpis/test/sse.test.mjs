import { test } from "node:test";
import assert from "node:assert/strict";
import { SSEParser } from "../podpis.js";

function parse(chunks, { end = true } = {}) {
  const events = [];
  const parser = new SSEParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  if (end) parser.end();
  return { events, parser };
}

const bytes = (text) => new TextEncoder().encode(text);

test("parses the daemon's events: event, id, data, comments", () => {
  const { events, parser } = parse([
    "event: card-removed\nid: 41\ndata: {\"reader\":\"Gemalto\"}\n\n" +
    ": keep-alive\n\n" +
    "event: request-finished\nid: 46\ndata: {\"result\":\"failed\",\"problem\":\"wrong-pin\"}\n\n",
  ]);
  assert.deepEqual(events, [
    { event: "card-removed", id: "41", data: "{\"reader\":\"Gemalto\"}" },
    { event: "request-finished", id: "46", data: "{\"result\":\"failed\",\"problem\":\"wrong-pin\"}" },
  ]);
  assert.equal(parser.lastEventId, "46");
});

// Polish letters (2 bytes), an emoji (4 bytes), CRLF, LF and CR line ends.
const STREAM = "\uFEFFevent: token-appeared\r\nid: 7\r\ndata: {\"token\":\"Zażółć gęślą jaźń 🙂\"}\r\n\r\n" +
  "data: linia 1\rdata: linia 2\r\r" +
  ": keep-alive\n\n" +
  "event: pin-locked\ndata: ł\n\n";
const EXPECTED = [
  { event: "token-appeared", id: "7", data: "{\"token\":\"Zażółć gęślą jaźń 🙂\"}" },
  { event: "message", id: "7", data: "linia 1\nlinia 2" },
  { event: "pin-locked", id: "7", data: "ł" },
];

test("a byte stream split into two chunks at every position gives the same events", () => {
  const all = bytes(STREAM);
  assert.deepEqual(parse([all]).events, EXPECTED);
  for (let i = 0; i <= all.length; i++) {
    assert.deepEqual(parse([all.subarray(0, i), all.subarray(i)]).events, EXPECTED, `split at byte ${i}`);
  }
});

test("a byte stream fed one byte at a time, and text one character at a time", () => {
  const all = bytes(STREAM);
  assert.deepEqual(parse(Array.from(all, (b) => new Uint8Array([b]))).events, EXPECTED);
  assert.deepEqual(parse([...STREAM]).events, EXPECTED);
});

test("a CR ending a chunk and the LF starting the next are one line end, not two", () => {
  const { events } = parse(["data: a\r", "\ndata: b\r", "\n\r", "\n"]);
  assert.deepEqual(events, [{ event: "message", id: "", data: "a\nb" }]);
});

test("multi-line data, a field without a colon, a colon without a space, two spaces", () => {
  const { events } = parse(["data: one\ndata\ndata:two\ndata:  three\n\n"]);
  assert.deepEqual(events, [{ event: "message", id: "", data: "one\n\ntwo\n three" }]);
});

test("an empty data line dispatches an event with empty data; a block without data dispatches nothing", () => {
  const { events, parser } = parse(["data:\n\n", "event: lonely\nid: 9\n\n", ": only a comment\n\n"]);
  assert.deepEqual(events, [{ event: "message", id: "", data: "" }]);
  assert.equal(parser.lastEventId, "9");                          // the id of a data-less block still counts
});

test("comments, keep-alives and unknown fields are ignored", () => {
  const { events } = parse([": keep-alive\n\n:\n\nfoo: bar\nEvent: x\ndata: y\n\n"]);
  assert.deepEqual(events, [{ event: "message", id: "", data: "y" }]);
});

test("id persists across events, an id with NUL is ignored, an empty id resets it", () => {
  const { events } = parse(["id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\ndata: c\n\nid\ndata: d\n\nid: 3\ndata: e\n\n"]);
  assert.deepEqual(events.map((e) => [e.id, e.data]), [["1", "a"], ["1", "b"], ["1", "c"], ["", "d"], ["3", "e"]]);
});

test("the event type resets after each dispatch", () => {
  const { events } = parse(["event: status\ndata: 1\n\ndata: 2\n\n"]);
  assert.deepEqual(events.map((e) => e.event), ["status", "message"]);
});

test("retry: only ASCII digits count; it is on the event that carried it and on parser.retry", () => {
  const { events, parser } = parse(["retry: 5000\ndata: a\n\ndata: b\n\nretry: 12a\ndata: c\n\nretry: 250\n\n"]);
  assert.deepEqual(events, [
    { event: "message", id: "", data: "a", retry: 5000 },
    { event: "message", id: "", data: "b" },
    { event: "message", id: "", data: "c" },
  ]);
  assert.equal(parser.retry, 250);                                  // a retry-only block still sets it
});

test("an event not ended by a blank line is dropped at the end of the stream", () => {
  assert.deepEqual(parse(["data: a\n\ndata: unterminated\n"]).events, [{ event: "message", id: "", data: "a" }]);
  assert.deepEqual(parse(["data: a\n\ndata: no line end"]).events, [{ event: "message", id: "", data: "a" }]);
  // ...and nothing pending leaks into a later push after end()
  const events = [];
  const parser = new SSEParser((e) => events.push(e));
  parser.push("data: x\n");
  parser.end();
  parser.push("data: y\n\n");
  assert.deepEqual(events, [{ event: "message", id: "", data: "y" }]);
});

test("one leading BOM is dropped, also split across byte chunks; a later one is not", () => {
  assert.deepEqual(parse([new Uint8Array([0xef]), new Uint8Array([0xbb]), new Uint8Array(0),
    new Uint8Array([0xbf]), bytes("data: a\n\n")]).events, [{ event: "message", id: "", data: "a" }]);
  assert.deepEqual(parse(["\uFEFFdata: a\n\n"]).events, [{ event: "message", id: "", data: "a" }]);
  // A second BOM makes the field name "\uFEFFdata", an unknown field: nothing is dispatched.
  assert.deepEqual(parse(["\uFEFF\uFEFFdata: a\n\n"]).events, []);
  assert.deepEqual(parse(["data: a\n\n\uFEFFdata: b\n\n"]).events, [{ event: "message", id: "", data: "a" }]);
});

test("a multi-byte character split across chunks is decoded once whole", () => {
  const all = bytes("data: ś🙂\n\n");
  const { events } = parse([all.subarray(0, 7), all.subarray(7, 9), all.subarray(9, 11), all.subarray(11)]);
  assert.deepEqual(events, [{ event: "message", id: "", data: "ś🙂" }]);
});

// A fuzz run in the unit tests: random streams (field names the parser knows,
// line ends of every kind, invalid UTF-8, NULs) cut at random points never
// throw, and give the same events however they are cut. A fixed seed, so a
// failure is repeatable; PODPIS_SSE_FUZZ_RUNS raises the count.
test("random streams cut at random points never throw and give the same events", () => {
  let seed = 0x5eed1234;
  const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const pieces = ["event:", "data:", "id:", "retry:", ":", " ", "x", "ł", "🙂", "\n", "\r", "\r\n", "\u0000", "1000", "{\"a\":1}"];
  const runs = Number(process.env.PODPIS_SSE_FUZZ_RUNS ?? 500);
  for (let run = 0; run < runs; run++) {
    const parts = [];
    for (let n = Math.floor(random() * 40); n > 0; n--) {
      parts.push(random() < 0.05 ? Uint8Array.of(0xff, 0xc3, 0x28, 0xe2, 0x82) : bytes(pieces[Math.floor(random() * pieces.length)]));
    }
    const all = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    parts.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0);
    const whole = parse([all]).events;
    const chunks = [];
    for (let at = 0; at < all.length;) {
      const next = Math.min(all.length, at + 1 + Math.floor(random() * 7));
      chunks.push(all.subarray(at, next));
      at = next;
    }
    assert.deepEqual(parse(chunks).events, whole, `run ${run}`);
  }
});
