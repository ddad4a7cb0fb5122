import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Batch, Podpis } from "../podpis.js";
import { FakeFetch, FakeStorage, TestFile, V4, fakeTimers, json, problem, rejection, streamResponse, until } from "../testing/fakes.mjs";

const KEY = `podpis-token:${V4}`;
const ID = "9c4498b7-df76-431d-ba12-9e1c646f8470";
const BASE = `${V4}/v1/batches/${ID}`;
const TOKEN_OK = () => json(200, { paired: "true" });
const INFO = { cancelled: 0, closed: false, failed: 0, id: ID, profile: "zaswiadczenia", queued: 0, sealed: 0, state: "open", total: 0 };
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

function client(fake, timers = fakeTimers()) {
  return new Podpis({ fetch: fake.fetch, storage: new FakeStorage({ [KEY]: "TOK" }), language: "pl",
    setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout });
}

test("createBatch(): POST /v1/batches {\"profile\": …} with the token; a Batch back", async () => {
  const fake = new FakeFetch(TOKEN_OK, () => json(201, INFO, { Location: `/v1/batches/${ID}` }));
  const batch = await client(fake).createBatch("zaswiadczenia");
  assert.ok(batch instanceof Batch);
  assert.equal(batch.id, ID);
  assert.deepEqual(batch.info, INFO);
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`, `POST ${V4}/v1/batches`]);
  assert.deepEqual(fake.calls[1].headers, { "Content-Type": "application/json", Accept: "application/json", Authorization: "Bearer TOK" });
  assert.equal(fake.calls[1].init.body, "{\"profile\":\"zaswiadczenia\"}");
  assert.equal(fake.calls[1].init.targetAddressSpace, "loopback");
});

test("createBatch(): a problem (origin-not-allowed-for-seal) is thrown as such", async () => {
  const fake = new FakeFetch(TOKEN_OK, () => problem(403, "origin-not-allowed-for-seal"));
  const error = await rejection(client(fake).createBatch("zaswiadczenia"));
  assert.equal(error.code, "origin-not-allowed-for-seal");
  assert.equal(error.status, 403);
});

test("Batch: put (name encoded, body streamed), close, cancel, status, documents, remove", async () => {
  const doc = { name: "zaświadczenie 7.pdf", sha256: sha256("%PDF"), size: 4, state: "queued" };
  const fake = new FakeFetch(
    TOKEN_OK, () => json(201, doc),
    TOKEN_OK, () => json(200, { ...doc, name: "inny.xml" }),
    TOKEN_OK, () => json(200, { ...INFO, closed: true }),
    TOKEN_OK, () => json(200, { ...INFO, state: "cancelled" }),
    () => json(200, { ...INFO, state: "sealing" }),
    () => json(200, { batch: ID, documents: [doc], schema: "podpis.batch-documents/1" }),
    TOKEN_OK, () => new Response(null, { status: 204 }),
  );
  const batch = client(fake).batch(ID);
  const file = new TestFile(["%PDF"], "zaświadczenie 7.pdf", { type: "application/pdf" });
  assert.deepEqual(await batch.put(file), doc);
  const blob = new Blob(["<x/>"]);
  assert.equal((await batch.put(blob, "inny.xml")).name, "inny.xml");
  assert.equal((await batch.close()).closed, true);
  assert.equal((await batch.cancel()).state, "cancelled");
  assert.equal((await batch.status()).state, "sealing");
  assert.deepEqual(await batch.documents(), [doc]);
  assert.equal(await batch.remove(), undefined);
  assert.deepEqual(fake.lines, [
    `GET ${V4}/v1/pairing`, `PUT ${BASE}/documents/za%C5%9Bwiadczenie%207.pdf`,
    `GET ${V4}/v1/pairing`, `PUT ${BASE}/documents/inny.xml`,
    `GET ${V4}/v1/pairing`, `POST ${BASE}/close`,
    `GET ${V4}/v1/pairing`, `POST ${BASE}/cancel`,
    `GET ${BASE}`,
    `GET ${BASE}/documents`,
    `GET ${V4}/v1/pairing`, `DELETE ${BASE}`,
  ]);
  assert.equal(fake.calls[1].init.body, file);
  assert.deepEqual(fake.calls[1].headers, { Accept: "application/json", Authorization: "Bearer TOK" });
  assert.equal(fake.calls[3].init.body, blob);
  assert.equal(fake.calls[5].init.body, undefined);
  assert.equal(fake.calls[8].headers.Authorization, undefined);    // GETs carry no token
  assert.equal(fake.calls[11].headers.Authorization, "Bearer TOK");
});

test("Batch.put(): a Blob without a name is a TypeError; batch-closed is thrown", async () => {
  const fake = new FakeFetch(TOKEN_OK, () => problem(409, "batch-closed"));
  const batch = client(fake).batch(ID);
  await assert.rejects(batch.put(new Blob(["x"])), TypeError);
  assert.equal(fake.calls.length, 0);
  const error = await rejection(batch.put(new Blob(["x"]), "a.pdf"));
  assert.equal(error.code, "batch-closed");
});

function sealResponse(body, headers) {
  return () => new Response(body, { status: 200, headers: { "Content-Type": "application/xml", "X-Request-Id": "S1", ...headers } });
}

test("Batch.seal(): the Blob; the document's SHA-256 from put() and the seal's SHA-256 are checked", async () => {
  const docSha = sha256("<z/>");
  const fake = new FakeFetch(
    TOKEN_OK, () => json(201, { name: "z.xml", sha256: docSha, size: 4, state: "queued" }),
    sealResponse("<seal/>", { "X-Podpis-Document-SHA256": docSha.toUpperCase(), "X-Podpis-Seal-SHA256": sha256("<seal/>") }),
    sealResponse("<seal/>", { "X-Podpis-Document-SHA256": sha256("other") }),
    sealResponse("<damaged/>", { "X-Podpis-Seal-SHA256": sha256("<seal/>") }),
    sealResponse("<seal/>", {}),
  );
  const batch = client(fake).batch(ID);
  await batch.put(new Blob(["<z/>"]), "z.xml");
  const seal = await batch.seal("z.xml");
  assert.equal(await seal.text(), "<seal/>");
  assert.equal(fake.lines[2], `GET ${BASE}/documents/z.xml/seal`);
  assert.equal(fake.calls[2].headers.Authorization, undefined);

  let error = await rejection(batch.seal("z.xml"));
  assert.equal(error.code, "bad-response");
  assert.equal(error.requestId, "S1");
  assert.match(error.messages.en, /X-Podpis-Document-SHA256/);

  error = await rejection(batch.seal("z.xml"));
  assert.equal(error.code, "bad-response");
  assert.match(error.messages.pl, /X-Podpis-Seal-SHA256/);

  // No headers to check: the seal as it is.
  assert.equal(await (await batch.seal("z.xml")).text(), "<seal/>");
});

test("Batch.seal(): expectedSha256 given by the caller; not-sealed is thrown", async () => {
  const fake = new FakeFetch(
    sealResponse("<s/>", { "X-Podpis-Document-SHA256": sha256("a") }),
    () => problem(409, "not-sealed"),
  );
  const batch = client(fake).batch(ID);
  const error = await rejection(batch.seal("a.pdf", { expectedSha256: sha256("b") }));
  assert.equal(error.code, "bad-response");
  const notSealed = await rejection(batch.seal("a.pdf"));
  assert.equal(notSealed.code, "not-sealed");
});

test("Batch.events(): /v1/batches/ID/events, closed after \"end\" without reconnecting", async () => {
  const timers = fakeTimers();
  const s = streamResponse();
  const fake = new FakeFetch(() => s.response);
  const log = [];
  const stream = client(fake, timers).batch(ID).events({
    onOpen: () => log.push("open"),
    onEvent: (e) => log.push(`${e.event} ${e.data.state ?? e.data.document?.state}`),
    onError: (e) => log.push(`error ${e.code}`),
  });
  await until(() => log.length === 1);
  s.write(`event: status\ndata: ${JSON.stringify(INFO)}\n\n`);
  s.write(`event: document\ndata: {"document":{"name":"a.xml","state":"sealed"},"total":1,"queued":0,"sealed":1,"failed":0}\n\n`);
  s.write(`event: end\ndata: ${JSON.stringify({ ...INFO, state: "done" })}\n\n`);
  await until(() => stream.closed && s.cancelled);               // closed by "end": the body is cancelled
  s.end();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(log, ["open", "status open", "document sealed", "end done"]);
  assert.deepEqual(fake.lines, [`GET ${BASE}/events`]);
  assert.deepEqual(fake.calls[0].headers, { Accept: "text/event-stream", Authorization: "Bearer TOK" });
  assert.deepEqual(timers.delays, []);
});

test("batches(): GET /v1/batches, the list", async () => {
  const fake = new FakeFetch(() => json(200, { batches: [INFO], schema: "podpis.batches/1" }));
  assert.deepEqual(await client(fake).batches(), [INFO]);
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/batches`]);
});

test("Batch: a 403 not-paired on PUT re-pairs and retries once", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const fake = new FakeFetch(TOKEN_OK, () => problem(403, "not-paired"),
    () => json(201, { kind: "once", token: "NEW" }), () => json(201, { name: "a.pdf", sha256: "00", size: 1, state: "queued" }));
  const podpis = new Podpis({ fetch: fake.fetch, storage, language: "pl" });
  const body = new Blob(["x"]);
  await podpis.batch(ID).put(body, "a.pdf");
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`, `PUT ${BASE}/documents/a.pdf`, `POST ${V4}/v1/pairing`, `PUT ${BASE}/documents/a.pdf`]);
  assert.equal(fake.calls[3].headers.Authorization, "Bearer NEW");
  assert.equal(fake.calls[3].init.body, body);
});
