import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_ENDPOINTS, Podpis } from "../podpis.js";
import { FakeFetch, FakeStorage, TestFile, V4, V6, hang, json, networkError, problem, rejection } from "../testing/fakes.mjs";

const KEY = `podpis-token:${V4}`;

function client(fake, storage = new FakeStorage(), options = {}) {
  return new Podpis({ application: "EZD Testowo", fetch: fake.fetch, storage, language: "pl", ...options });
}

const paired = (token, kind = "always") => () => json(201, { kind, origin: "https://ezd.testowo.gmina.pl", token });

test("the defaults", () => {
  assert.deepEqual([...DEFAULT_ENDPOINTS], ["http://127.0.0.1:35900", "http://[::1]:35900"]);
  const podpis = new Podpis({ fetch: () => {}, storage: new FakeStorage(), language: "en" });
  assert.deepEqual([...podpis.endpoints], [V4, V6]);
  assert.equal(podpis.endpoint, V4);
});

test("pair(): POST /v1/pairing with the application; 201 stores the token under the endpoint", async () => {
  const storage = new FakeStorage();
  const fake = new FakeFetch(paired("T1"));
  const pairing = await client(fake, storage).pair();
  assert.deepEqual(pairing, { kind: "always", origin: "https://ezd.testowo.gmina.pl", token: "T1" });
  assert.deepEqual(fake.lines, [`POST ${V4}/v1/pairing`]);
  assert.deepEqual(fake.calls[0].headers, { Accept: "application/json", "Content-Type": "application/json" });
  assert.equal(fake.calls[0].init.body, "{\"application\":\"EZD Testowo\"}");
  assert.equal(fake.calls[0].init.targetAddressSpace, "loopback");
  assert.deepEqual(storage.toJSON(), { [KEY]: "T1" });
});

test("pair() without an application sends no body", async () => {
  const fake = new FakeFetch(paired("T1", "once"));
  await new Podpis({ fetch: fake.fetch, storage: new FakeStorage(), language: "pl" }).pair();
  assert.deepEqual(fake.calls[0].headers, { Accept: "application/json" });
  assert.equal(fake.calls[0].init.body, undefined);
});

test("pair(): a readable refusal is its problem; a 201 without a token is bad-response", async () => {
  const storage = new FakeStorage();
  let error = await rejection(client(new FakeFetch(() => problem(403, "pairing-refused")), storage).pair());
  assert.equal(error.code, "pairing-refused");
  error = await rejection(client(new FakeFetch(() => json(201, { kind: "once" })), storage).pair());
  assert.equal(error.code, "bad-response");
  assert.deepEqual(storage.toJSON(), {});
});

test("ensurePaired(): a stored token that is still valid is used without pairing", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const fake = new FakeFetch(() => json(200, { origin: "https://ezd.testowo.gmina.pl", paired: "true" }));
  assert.equal(await client(fake, storage).ensurePaired(), "OLD");
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`]);
  assert.deepEqual(fake.calls[0].headers, { Accept: "application/json", Authorization: "Bearer OLD" });
  assert.deepEqual(storage.toJSON(), { [KEY]: "OLD" });
});

test("ensurePaired(): a token rejected with 403 not-paired is forgotten and the page pairs again", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const seen = [];
  const fake = new FakeFetch(
    () => problem(403, "not-paired"),
    (url, init) => { seen.push(storage.getItem(KEY)); return paired("NEW")(); },
  );
  assert.equal(await client(fake, storage).ensurePaired(), "NEW");
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`, `POST ${V4}/v1/pairing`]);
  assert.deepEqual(seen, [null]);                                   // forgotten before pairing
  assert.equal(fake.calls[1].headers.Authorization, undefined);
  assert.deepEqual(storage.toJSON(), { [KEY]: "NEW" });
});

test("ensurePaired(): a TypeError on the token check (origin no longer approved) forgets and pairs", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const fake = new FakeFetch(networkError, paired("NEW"));
  assert.equal(await client(fake, storage).ensurePaired(), "NEW");
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`, `POST ${V4}/v1/pairing`]);
  assert.deepEqual(storage.toJSON(), { [KEY]: "NEW" });
});

test("ensurePaired(): no stored token pairs at once; a failed pairing stores nothing", async () => {
  const storage = new FakeStorage();
  const fake = new FakeFetch(networkError);
  const error = await rejection(client(fake, storage).ensurePaired());
  assert.equal(error.code, "pairing-failed");
  assert.deepEqual(fake.lines, [`POST ${V4}/v1/pairing`]);
  assert.deepEqual(storage.toJSON(), {});
});

test("ensurePaired(): an abort during the token check is aborted, not a pairing", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const controller = new AbortController();
  const fake = new FakeFetch(hang);
  const pending = client(fake, storage).ensurePaired({ signal: controller.signal });
  controller.abort();
  const error = await rejection(pending);
  assert.equal(error.code, "aborted");
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`]);
  assert.equal(fake.calls[0].init.signal, controller.signal);
  assert.deepEqual(storage.toJSON(), { [KEY]: "OLD" });             // not forgotten
});

test("forget() drops the stored token of this endpoint only", () => {
  const storage = new FakeStorage({ [KEY]: "A", [`podpis-token:${V6}`]: "B" });
  const podpis = client(new FakeFetch(), storage);
  assert.equal(podpis.token, "A");
  podpis.forget();
  assert.equal(podpis.token, null);
  assert.deepEqual(storage.toJSON(), { [`podpis-token:${V6}`]: "B" });
});

test("tokens are keyed per endpoint: after connect() finds [::1], pairing stores under it", async () => {
  const storage = new FakeStorage({ [KEY]: "V4-TOKEN" });
  const fake = new FakeFetch(networkError, () => json(200, { service: "podpisd" }), paired("V6-TOKEN"));
  const podpis = client(fake, storage);
  await podpis.connect();
  assert.equal(podpis.endpoint, V6);
  assert.equal(await podpis.ensurePaired(), "V6-TOKEN");            // the V4 token is not used for V6
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/status`, `GET ${V6}/v1/status`, `POST ${V6}/v1/pairing`]);
  assert.deepEqual(storage.toJSON(), { [KEY]: "V4-TOKEN", [`podpis-token:${V6}`]: "V6-TOKEN" });
});

const SIGNED = () => new Response("<xades/>", {
  status: 200, headers: { "Content-Type": "application/xml", "X-Request-Id": "R1", "Content-Disposition": "attachment; filename=\"a.txt.xades\"" },
});

test("sign(): 403 not-paired forgets the token, pairs again and retries once with the new token", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const fake = new FakeFetch(() => json(200, { paired: "true" }), () => problem(403, "not-paired"), paired("NEW"), SIGNED);
  const file = new TestFile(["abc"], "a.txt", { type: "text/plain" });
  const result = await client(fake, storage).sign(file);
  assert.deepEqual(fake.lines, [
    `GET ${V4}/v1/pairing`, `POST ${V4}/v1/sign?name=a.txt`, `POST ${V4}/v1/pairing`, `POST ${V4}/v1/sign?name=a.txt`,
  ]);
  assert.equal(fake.calls[1].headers.Authorization, "Bearer OLD");
  assert.equal(fake.calls[3].headers.Authorization, "Bearer NEW");
  assert.equal(fake.calls[3].init.body, file);                      // the same Blob, sent again
  assert.equal(result.requestId, "R1");
  assert.deepEqual(storage.toJSON(), { [KEY]: "NEW" });
});

test("sign(): a second 403 not-paired is not retried again", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const fake = new FakeFetch(() => json(200, {}), () => problem(403, "not-paired"), paired("NEW"),
    () => problem(403, "not-paired"), paired("NEWER"), SIGNED);
  const error = await rejection(client(fake, storage).sign(new TestFile(["abc"], "a.txt")));
  assert.equal(error.code, "not-paired");
  assert.equal(fake.calls.length, 4);
});

test("sign(): another 403 (refused) is not retried and keeps the token", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const fake = new FakeFetch(() => json(200, {}), () => problem(403, "refused"), paired("NEW"));
  const error = await rejection(client(fake, storage).sign(new TestFile(["abc"], "a.txt")));
  assert.equal(error.code, "refused");
  assert.equal(error.requestId, "rid-refused");
  assert.equal(fake.calls.length, 2);
  assert.deepEqual(storage.toJSON(), { [KEY]: "OLD" });
});

test("sign(): 403 not-paired, then a failed pairing: the stale token is gone, pairing-failed thrown", async () => {
  const storage = new FakeStorage({ [KEY]: "OLD" });
  const fake = new FakeFetch(() => json(200, {}), () => problem(403, "not-paired"), networkError);
  const error = await rejection(client(fake, storage).sign(new TestFile(["abc"], "a.txt")));
  assert.equal(error.code, "pairing-failed");
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`, `POST ${V4}/v1/sign?name=a.txt`, `POST ${V4}/v1/pairing`]);
  assert.deepEqual(storage.toJSON(), {});
});
