import { test } from "node:test";
import assert from "node:assert/strict";
import { Podpis } from "../podpis.js";
import { FakeFetch, FakeStorage, V4, V6, json, networkError, problem, rejection } from "../testing/fakes.mjs";

const STATUS = { service: "podpisd", version: "0.2.0", api: "v1", pcsc: { available: true }, tokens: 4, agents: 1 };

function client(fake, options = {}) {
  return new Podpis({ fetch: fake.fetch, storage: new FakeStorage(), language: "pl", ...options });
}

test("connect(): the first endpoint that answers is kept, in order", async () => {
  const fake = new FakeFetch(networkError, () => json(200, STATUS));
  const podpis = client(fake);
  assert.deepEqual(await podpis.connect(), STATUS);
  assert.equal(podpis.endpoint, V6);
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/status`, `GET ${V6}/v1/status`]);
  for (const call of fake.calls) {
    assert.equal(call.init.targetAddressSpace, "loopback");
    assert.deepEqual(call.headers, { Accept: "application/json" });
  }
  // Later calls go to the endpoint found.
  fake.responders.push(() => json(200, { certificates: [{ id: "4b086ea0c9221bdd" }] }));
  assert.deepEqual(await podpis.certificates(), [{ id: "4b086ea0c9221bdd" }]);
  assert.equal(fake.lines[2], `GET ${V6}/v1/certificates`);
});

test("connect(): when the first answers, the second is not asked", async () => {
  const fake = new FakeFetch(() => json(200, STATUS), () => json(200, {}));
  const podpis = client(fake);
  await podpis.connect();
  assert.equal(podpis.endpoint, V4);
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/status`]);
});

test("connect(): the configured endpoints replace the defaults", async () => {
  const fake = new FakeFetch(networkError, networkError, () => json(200, STATUS));
  const podpis = client(fake, { endpoints: ["http://127.0.0.1:1", "http://127.0.0.1:2", "http://localhost:3"] });
  await podpis.connect();
  assert.equal(podpis.endpoint, "http://localhost:3");
  assert.deepEqual(fake.lines, ["GET http://127.0.0.1:1/v1/status", "GET http://127.0.0.1:2/v1/status", "GET http://localhost:3/v1/status"]);
});

test("connect(): none answers → unreachable; the endpoint stays the first", async () => {
  const fake = new FakeFetch(networkError, networkError);
  const podpis = client(fake);
  const error = await rejection(podpis.connect());
  assert.equal(error.code, "unreachable");
  assert.equal(podpis.endpoint, V4);
  assert.equal(fake.calls.length, 2);
});

test("connect(): an endpoint answering a problem is kept, and the problem thrown", async () => {
  const fake = new FakeFetch(networkError, () => problem(403, "bad-host"));
  const podpis = client(fake);
  const error = await rejection(podpis.connect());
  assert.equal(error.code, "bad-host");
  assert.equal(podpis.endpoint, V6);
});

test("connect(): an abort stops the search at once", async () => {
  const controller = new AbortController();
  const fake = new FakeFetch(() => { controller.abort(); throw new DOMException("aborted", "AbortError"); }, () => json(200, STATUS));
  const error = await rejection(client(fake).connect({ signal: controller.signal }));
  assert.equal(error.code, "aborted");
  assert.equal(fake.calls.length, 1);
  assert.equal(fake.calls[0].init.signal, controller.signal);
});

test("status(), readers(), tokens(), certificates(): GETs without a token", async () => {
  const storage = new FakeStorage({ [`podpis-token:${V4}`]: "T" });
  const fake = new FakeFetch(() => json(200, STATUS), () => json(200, { schema: "podpis.readers/1", readers: [] }),
    () => json(200, { schema: "podpis.tokens/1", tokens: [] }), () => json(200, { schema: "podpis.certs/1", certificates: [] }));
  const podpis = new Podpis({ fetch: fake.fetch, storage, language: "en" });
  assert.deepEqual(await podpis.status(), STATUS);
  assert.deepEqual(await podpis.readers(), { schema: "podpis.readers/1", readers: [] });
  assert.deepEqual(await podpis.tokens(), { schema: "podpis.tokens/1", tokens: [] });
  assert.deepEqual(await podpis.certificates(), []);
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/status`, `GET ${V4}/v1/readers`, `GET ${V4}/v1/tokens`, `GET ${V4}/v1/certificates`]);
  for (const call of fake.calls) assert.deepEqual(call.headers, { Accept: "application/json" });
});

test("certificates(): an answer without the array is bad-response", async () => {
  const error = await rejection(client(new FakeFetch(() => json(200, { schema: "x" }))).certificates());
  assert.equal(error.code, "bad-response");
});
