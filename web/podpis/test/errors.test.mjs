import { test } from "node:test";
import assert from "node:assert/strict";
import { Podpis, PodpisError } from "../podpis.js";
import { FakeFetch, FakeStorage, V4, json, networkError, problem, rejection } from "../testing/fakes.mjs";

const WRONG_PIN = {
  type: "urn:podpis:problem:wrong-pin", title: "Wrong PIN", status: 403,
  detail: "Nieprawidłowy PIN. Pozostały 2 próby; po ich wyczerpaniu karta zostanie zablokowana.",
  code: "wrong-pin",
  message: {
    pl: "Nieprawidłowy PIN. Pozostały 2 próby; po ich wyczerpaniu karta zostanie zablokowana.",
    en: "Wrong PIN. 2 tries left; after that the card is blocked.",
  },
  triesLeft: 2, reason: "CKR_PIN_INCORRECT", requestId: "7f3c9a1e2b4d",
};

function client(fake, options = {}) {
  return new Podpis({ fetch: fake.fetch, storage: new FakeStorage(), language: "pl", ...options });
}

test("a problem+json answer becomes a PodpisError with every field", async () => {
  const fake = new FakeFetch(() => new Response(JSON.stringify(WRONG_PIN), {
    status: 403, headers: { "Content-Type": "application/problem+json", "X-Request-Id": "7f3c9a1e2b4d" },
  }));
  const error = await rejection(client(fake).status());
  assert.ok(error instanceof PodpisError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "PodpisError");
  assert.equal(error.code, "wrong-pin");
  assert.equal(error.status, 403);
  assert.equal(error.reason, "CKR_PIN_INCORRECT");
  assert.equal(error.requestId, "7f3c9a1e2b4d");
  assert.equal(error.triesLeft, 2);
  assert.deepEqual(error.messages, WRONG_PIN.message);
  assert.equal(error.text, WRONG_PIN.message.pl);
  assert.equal(error.message, WRONG_PIN.message.pl);
  assert.deepEqual(error.problem, WRONG_PIN);
});

test("the text follows the client's language", async () => {
  const fake = new FakeFetch(() => new Response(JSON.stringify(WRONG_PIN), { status: 403 }));
  const error = await rejection(client(fake, { language: "en" }).status());
  assert.equal(error.text, "Wrong PIN. 2 tries left; after that the card is blocked.");
  assert.equal(error.message, error.text);
});

test("a problem without message falls back to detail and title; requestId from the header", async () => {
  const fake = new FakeFetch(() => new Response(
    JSON.stringify({ type: "urn:podpis:problem:no-agent", title: "No agent", status: 503, detail: "Brak agenta." }),
    { status: 503, headers: { "Content-Type": "application/problem+json", "X-Request-Id": "abc" } }));
  const error = await rejection(client(fake).status());
  assert.equal(error.code, "no-agent");                             // from `type` when `code` is missing
  assert.deepEqual(error.messages, { pl: "Brak agenta.", en: "No agent" });
  assert.equal(error.requestId, "abc");
  assert.equal(error.triesLeft, undefined);
  assert.equal(error.reason, undefined);
});

test("a non-JSON error body is bad-response with the status and request id", async () => {
  const fake = new FakeFetch(() => new Response("<html>Bad Gateway</html>",
    { status: 502, headers: { "Content-Type": "text/html", "X-Request-Id": "r-502" } }));
  const error = await rejection(client(fake).status());
  assert.equal(error.code, "bad-response");
  assert.equal(error.status, 502);
  assert.equal(error.requestId, "r-502");
  assert.equal(error.problem, undefined);
  assert.match(error.messages.pl, /HTTP 502/);
  assert.match(error.messages.en, /HTTP 502/);
});

test("JSON without a problem code is bad-response; an unreadable 200 too", async () => {
  let error = await rejection(client(new FakeFetch(() => json(500, { oops: true }))).status());
  assert.equal(error.code, "bad-response");
  assert.equal(error.status, 500);
  error = await rejection(client(new FakeFetch(() => new Response("not json", { status: 200 }))).status());
  assert.equal(error.code, "bad-response");
  assert.equal(error.status, 200);
});

test("a rejected fetch (TypeError) is unreachable, with the cause kept", async () => {
  const error = await rejection(client(new FakeFetch(networkError)).status());
  assert.equal(error.code, "unreachable");
  assert.equal(error.status, undefined);
  assert.ok(error.cause instanceof TypeError);
  assert.match(error.messages.pl, /podpisd/);
  assert.match(error.messages.en, /allowed_origins/);
});

function permissions(states) {
  const asked = [];
  return {
    asked,
    async query({ name }) {
      asked.push(name);
      if (!(name in states)) throw new TypeError(`unknown permission ${name}`);
      return { state: states[name] };
    },
  };
}

test("a rejected fetch with the local network permission denied is local-network-blocked", async () => {
  const perms = permissions({ "local-network-access": "denied" });
  const error = await rejection(client(new FakeFetch(networkError), { permissions: perms }).status());
  assert.equal(error.code, "local-network-blocked");
  assert.deepEqual(perms.asked, ["loopback-network", "local-network-access"]);
  assert.match(error.messages.pl, /Dostęp do sieci lokalnej/);
  assert.match(error.messages.en, /local network access/);
  assert.match(error.messages.en, /LocalNetworkAccessAllowedForUrls/);
  assert.match(error.messages.pl, /LoopbackNetworkAllowedForUrls/);
});

test("'prompt' after a failure is local-network-blocked; 'granted' is unreachable; unknown names are skipped", async () => {
  let perms = permissions({ "loopback-network": "prompt" });
  let error = await rejection(client(new FakeFetch(networkError), { permissions: perms }).status());
  assert.equal(error.code, "local-network-blocked");
  assert.deepEqual(perms.asked, ["loopback-network"]);

  perms = permissions({ "local-network": "granted" });
  error = await rejection(client(new FakeFetch(networkError), { permissions: perms }).status());
  assert.equal(error.code, "unreachable");
  assert.deepEqual(perms.asked, ["loopback-network", "local-network-access", "local-network"]);

  perms = permissions({});
  error = await rejection(client(new FakeFetch(networkError), { permissions: perms }).status());
  assert.equal(error.code, "unreachable");
});

test("a rejected pairing request is pairing-failed (or local-network-blocked)", async () => {
  let error = await rejection(client(new FakeFetch(networkError)).pair());
  assert.equal(error.code, "pairing-failed");
  assert.match(error.messages.pl, /podpis agent/);
  const perms = permissions({ "loopback-network": "denied" });
  error = await rejection(client(new FakeFetch(networkError), { permissions: perms }).pair());
  assert.equal(error.code, "local-network-blocked");
});

test("an AbortError is aborted, even with the local network permission denied", async () => {
  const controller = new AbortController();
  const perms = permissions({ "loopback-network": "denied" });
  const fake = new FakeFetch(() => { controller.abort(); throw new DOMException("aborted", "AbortError"); });
  const error = await rejection(client(fake, { permissions: perms }).status({ signal: controller.signal }));
  assert.equal(error.code, "aborted");
  assert.deepEqual(perms.asked, []);
});

test("client codes have texts in both languages; unknown codes a generic one", () => {
  for (const code of ["unreachable", "local-network-blocked", "pairing-failed", "aborted", "bad-response", "digest-not-allowed"]) {
    const pl = new PodpisError(code, { language: "pl" });
    const en = new PodpisError(code, { language: "en" });
    assert.equal(pl.code, code);
    assert.ok(pl.text.length > 20 && en.text.length > 20, code);
    assert.notEqual(pl.text, en.text, code);
    assert.equal(pl.text, pl.messages.pl);
    assert.equal(en.text, en.messages.en);
    assert.deepEqual(pl.messages, en.messages);
  }
  const other = new PodpisError("something-new", { language: "en" });
  assert.deepEqual(other.messages, { pl: "Błąd programu Podpis: something-new.", en: "Podpis error: something-new." });
  assert.equal(other.message, "Podpis error: something-new.");
});

test("the error of a request keeps its endpoint's URL and sends targetAddressSpace", async () => {
  const fake = new FakeFetch(() => problem(409, "token-absent"));
  const error = await rejection(client(fake).status());
  assert.equal(error.code, "token-absent");
  assert.equal(fake.calls[0].url, `${V4}/v1/status`);
  assert.equal(fake.calls[0].init.targetAddressSpace, "loopback");
});

test("a page on a loopback host needs no local network permission: a rejected fetch there is unreachable", async () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, "location");
  try {
    for (const hostname of ["127.0.0.1", "localhost", "[::1]"]) {
      Object.defineProperty(globalThis, "location", { value: { hostname }, configurable: true });
      const perms = permissions({ "loopback-network": "prompt" });
      const error = await rejection(client(new FakeFetch(networkError), { permissions: perms }).status());
      assert.equal(error.code, "unreachable", hostname);
      assert.deepEqual(perms.asked, [], hostname);
    }
    Object.defineProperty(globalThis, "location", { value: { hostname: "ezd.testowo.gmina.pl" }, configurable: true });
    const error = await rejection(client(new FakeFetch(networkError), { permissions: permissions({ "loopback-network": "prompt" }) }).status());
    assert.equal(error.code, "local-network-blocked");
  } finally {
    if (saved) Object.defineProperty(globalThis, "location", saved); else delete globalThis.location;
  }
});
