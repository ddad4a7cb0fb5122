import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Podpis, PodpisError, dispositionFilename, tarBlob } from "../podpis.js";
import { FakeFetch, FakeStorage, TestFile, V4, hang, json, rejection } from "../testing/fakes.mjs";

const KEY = `podpis-token:${V4}`;
const TOKEN_OK = () => json(200, { origin: "https://ezd.testowo.gmina.pl", paired: "true" });

function client(fake) {
  return new Podpis({ fetch: fake.fetch, storage: new FakeStorage({ [KEY]: "TOK" }), language: "pl" });
}

const b64 = (text) => Buffer.from(text).toString("base64");

function signatureFile(headers) {
  return () => new Response("<ds:Signature/>", {
    status: 200, headers: { "Content-Type": "application/xml", "X-Request-Id": "7f3c9a1e2b4d", ...headers },
  });
}

test("raw form: the exact URL, headers and body; the name from filename*", async () => {
  const fake = new FakeFetch(TOKEN_OK, signatureFile({
    "Content-Disposition": "attachment; filename=\"zaswiadczenie 7.pdf.p7s\"; filename*=UTF-8''za%C5%9Bwiadczenie%207.pdf.p7s",
    "Content-Type": "application/pkcs7-signature",
  }));
  const file = new TestFile(["%PDF-1.7"], "zaświadczenie 7.pdf", { type: "application/pdf" });
  const result = await client(fake).sign(file, {
    certificate: "4b086ea0c9221bdd", format: "cades", packaging: "detached", level: "B-T",
    commitment: "approval", role: "Kierownik Referatu+Zastępca", digest: "SHA-384", mimeType: "application/pdf",
  });
  assert.deepEqual(fake.lines, [
    `GET ${V4}/v1/pairing`,
    `POST ${V4}/v1/sign?name=za%C5%9Bwiadczenie%207.pdf&format=cades&packaging=detached&level=B-T` +
      "&certificate=4b086ea0c9221bdd&commitment=approval&role=Kierownik%20Referatu%2BZast%C4%99pca&digest=SHA-384" +
      "&mimeType=application%2Fpdf",
  ]);
  const call = fake.calls[1];
  assert.deepEqual(call.headers, { "Content-Type": "application/pdf", Authorization: "Bearer TOK" });   // no Accept
  assert.equal(call.init.body, file);                               // the Blob itself: streamed by the browser
  assert.equal(call.init.targetAddressSpace, "loopback");
  assert.equal(result.requestId, "7f3c9a1e2b4d");
  assert.equal(result.signatures.length, 1);
  const [signature] = result.signatures;
  assert.equal(signature.name, "zaświadczenie 7.pdf.p7s");
  assert.equal(signature.mimeType, "application/pkcs7-signature");
  assert.deepEqual(signature.documents, ["zaświadczenie 7.pdf"]);
  assert.equal(await signature.blob.text(), "<ds:Signature/>");
  assert.equal(result.certificate, undefined);
});

test("raw form: only the options given go in the query; a Blob without type is application/octet-stream", async () => {
  const fake = new FakeFetch(TOKEN_OK, signatureFile({ "Content-Disposition": "attachment; filename=\"umowa.bin.xades\"" }));
  const result = await client(fake).sign({ name: "umowa.bin", blob: new Blob([new Uint8Array([1, 2, 3])]) });
  assert.equal(fake.lines[1], `POST ${V4}/v1/sign?name=umowa.bin`);
  assert.deepEqual(fake.calls[1].headers, { "Content-Type": "application/octet-stream", Authorization: "Bearer TOK" });
  assert.equal(result.signatures[0].name, "umowa.bin.xades");
  assert.equal(result.signatures[0].mimeType, "application/xml");
});

test("raw form: {name, blob, mimeType} sets the Content-Type", async () => {
  const fake = new FakeFetch(TOKEN_OK, signatureFile({}));
  await client(fake).sign({ name: "dane.json", blob: new Blob(["{}"], { type: "text/plain" }), mimeType: "application/json" });
  assert.equal(fake.calls[1].headers["Content-Type"], "application/json");
});

test("raw form: the name falls back to X-Podpis-Signature-Name, then to the document's name", async () => {
  let fake = new FakeFetch(TOKEN_OK, signatureFile({ "X-Podpis-Signature-Name": "za%C5%9B.pdf.xades" }));
  let result = await client(fake).sign(new TestFile(["x"], "zaś.pdf"));
  assert.equal(result.signatures[0].name, "zaś.pdf.xades");
  fake = new FakeFetch(TOKEN_OK, signatureFile({}));
  result = await client(fake).sign(new TestFile(["x"], "a.pdf"), { format: "cades" });
  assert.equal(result.signatures[0].name, "a.pdf.p7s");
});

test("dispositionFilename(): filename* preferred, quoted and bare filename=", () => {
  assert.equal(dispositionFilename("attachment; filename=\"a.xades\"; filename*=UTF-8''%C5%81%C3%B3d%C5%BA.xades"), "Łódź.xades");
  assert.equal(dispositionFilename("attachment; filename*=utf-8''b%20c.p7s; filename=\"x\""), "b c.p7s");
  assert.equal(dispositionFilename("attachment; filename=\"umowa \\\"1\\\".pdf.xades\""), "umowa \"1\".pdf.xades");
  assert.equal(dispositionFilename("attachment; filename=plain.p7s"), "plain.p7s");
  assert.equal(dispositionFilename("attachment; filename*=UTF-8''%E0%A4%A; filename=\"fallback.p7s\""), "fallback.p7s");
  assert.equal(dispositionFilename(null), undefined);
  assert.equal(dispositionFilename("inline"), undefined);
});

const SIGN_RESULT = {
  requestId: "7f3c9a1e2b4d", certificate: "4b086ea0c9221bdd", signedAt: "2025-06-12T09:41:27Z",
  signatures: [{ name: "umowa.pdf.xades", mimeType: "application/xml", content: b64("<sig/>"), documents: ["umowa.pdf", "załącznik-1.pdf"] }],
};

test("json form: several documents in base64, options in the body, the result decoded", async () => {
  const fake = new FakeFetch(TOKEN_OK, () => json(200, SIGN_RESULT));
  const stages = [];
  const result = await client(fake).sign([
    new TestFile(["%PDF umowa"], "umowa.pdf", { type: "application/pdf" }),
    { name: "załącznik-1.pdf", blob: new Blob(["%PDF zał"]), mimeType: "application/pdf" },
    { name: "notatka.txt", blob: new Blob(["ą"]) },
  ], { format: "xades", packaging: "detached", level: "B-B", certificate: "4b086ea0c9221bdd", commitment: "approval",
    role: "Kierownik Referatu", onStage: (s) => stages.push(s) });
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`, `POST ${V4}/v1/sign`]);
  assert.deepEqual(fake.calls[1].headers, { "Content-Type": "application/json", Accept: "application/json", Authorization: "Bearer TOK" });
  assert.equal(fake.calls[1].init.body, JSON.stringify({
    format: "xades", packaging: "detached", level: "B-B", certificate: "4b086ea0c9221bdd", commitment: "approval",
    role: "Kierownik Referatu",
    documents: [
      { name: "umowa.pdf", mimeType: "application/pdf", content: b64("%PDF umowa") },
      { name: "załącznik-1.pdf", mimeType: "application/pdf", content: b64("%PDF zał") },
      { name: "notatka.txt", mimeType: "application/octet-stream", content: b64("ą") },
    ],
  }));
  assert.deepEqual(stages, ["pairing", "sending", "waiting"]);
  assert.equal(result.requestId, "7f3c9a1e2b4d");
  assert.equal(result.certificate, "4b086ea0c9221bdd");
  assert.equal(result.signedAt, "2025-06-12T09:41:27Z");
  assert.equal(result.signatures.length, 1);
  assert.equal(result.signatures[0].name, "umowa.pdf.xades");
  assert.equal(result.signatures[0].mimeType, "application/xml");
  assert.deepEqual(result.signatures[0].documents, ["umowa.pdf", "załącznik-1.pdf"]);
  assert.equal(result.signatures[0].blob.type, "application/xml");
  assert.equal(await result.signatures[0].blob.text(), "<sig/>");
});

test("json form: large documents are encoded in chunks, byte for byte", async () => {
  const bytes = new Uint8Array(3 * 1024 * 1024 + 7);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
  const fake = new FakeFetch(TOKEN_OK, () => json(200, { requestId: "r", signatures: [
    { name: "big.bin.p7s", mimeType: "application/pkcs7-signature", content: Buffer.from(bytes).toString("base64") }] }));
  const result = await client(fake).sign(new TestFile([bytes], "big.bin"), { form: "json", format: "cades" });
  const body = JSON.parse(fake.calls[1].init.body);
  assert.equal(body.documents[0].content, Buffer.from(bytes).toString("base64"));
  assert.deepEqual(new Uint8Array(await result.signatures[0].blob.arrayBuffer()), bytes);
});

test("digest form: each file hashed in the page, only {name, mimeType, size, digest} sent", async () => {
  const fake = new FakeFetch(TOKEN_OK, () => json(200, SIGN_RESULT));
  const stages = [];
  await client(fake).sign([new TestFile(["hello"], "a.pdf", { type: "application/pdf" }), { name: "b.bin", blob: new Blob(["świat"]) }],
    { form: "digest", format: "cades", certificate: "4b086ea0c9221bdd", onStage: (s) => stages.push(s) });
  assert.equal(fake.calls[1].init.body, JSON.stringify({
    format: "cades", packaging: "detached", certificate: "4b086ea0c9221bdd", digest: "SHA-256",
    documents: [
      { name: "a.pdf", mimeType: "application/pdf", size: 5,
        digest: { algorithm: "SHA-256", value: "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=" } },
      { name: "b.bin", mimeType: "application/octet-stream", size: 6,
        digest: { algorithm: "SHA-256", value: createHash("sha256").update("świat").digest("base64") } },
    ],
  }));
  assert.deepEqual(stages, ["pairing", "hashing", "sending", "waiting"]);
});

test("digest form: SHA-512 when asked, for the request and each document", async () => {
  const fake = new FakeFetch(TOKEN_OK, () => json(200, SIGN_RESULT));
  await client(fake).sign(new TestFile(["hello"], "a.pdf"), { form: "digest", digest: "SHA-512", packaging: "detached" });
  const body = JSON.parse(fake.calls[1].init.body);
  assert.equal(body.digest, "SHA-512");
  assert.deepEqual(body.documents[0].digest, { algorithm: "SHA-512", value: createHash("sha512").update("hello").digest("base64") });
});

test("digest form with enveloping or enveloped packaging: digest-not-allowed before any request", async () => {
  for (const packaging of ["enveloping", "enveloped"]) {
    const fake = new FakeFetch(TOKEN_OK);
    const error = await rejection(client(fake).sign(new TestFile(["x"], "a.xml"), { form: "digest", packaging }));
    assert.ok(error instanceof PodpisError);
    assert.equal(error.code, "digest-not-allowed");
    assert.equal(error.text, error.messages.pl);
    assert.equal(fake.calls.length, 0);
  }
});

test("auto form: one document raw, several json", async () => {
  let fake = new FakeFetch(TOKEN_OK, signatureFile({}));
  await client(fake).sign([new TestFile(["x"], "one.pdf")]);
  assert.equal(fake.lines[1], `POST ${V4}/v1/sign?name=one.pdf`);
  fake = new FakeFetch(TOKEN_OK, () => json(200, SIGN_RESULT));
  await client(fake).sign([new TestFile(["x"], "one.pdf"), new TestFile(["y"], "two.pdf")]);
  assert.equal(fake.lines[1], `POST ${V4}/v1/sign`);
  assert.equal(fake.calls[1].headers["Content-Type"], "application/json");
});

test("raw form: stages pairing, sending, waiting", async () => {
  const fake = new FakeFetch(TOKEN_OK, signatureFile({}));
  const stages = [];
  await client(fake).sign(new TestFile(["x"], "a.pdf"), { onStage: (s) => stages.push(s) });
  assert.deepEqual(stages, ["pairing", "sending", "waiting"]);
});

test("a Blob without a name, or no document, is a TypeError before any request", async () => {
  const fake = new FakeFetch();
  await assert.rejects(client(fake).sign(new Blob(["x"])), TypeError);
  await assert.rejects(client(fake).sign([]), TypeError);
  await assert.rejects(client(fake).sign([new TestFile(["x"], "a"), new TestFile(["y"], "b")], { form: "raw" }), TypeError);
  assert.equal(fake.calls.length, 0);
});

test("abort: the signal goes to fetch; aborting while the clerk is asked gives aborted", async () => {
  const controller = new AbortController();
  const fake = new FakeFetch(TOKEN_OK, hang);
  const pending = client(fake).sign(new TestFile(["x"], "a.pdf"), {
    signal: controller.signal, onStage: (s) => { if (s === "waiting") setImmediate(() => controller.abort()); },
  });
  const error = await rejection(pending);
  assert.ok(error instanceof PodpisError);
  assert.equal(error.code, "aborted");
  assert.equal(fake.calls[0].init.signal, controller.signal);
  assert.equal(fake.calls[1].init.signal, controller.signal);
  assert.match(error.messages.en, /nothing was signed/);
});

test("abort: an already aborted signal sends nothing", async () => {
  const fake = new FakeFetch(TOKEN_OK);
  const error = await rejection(client(fake).sign(new TestFile(["x"], "a.pdf"), { signal: AbortSignal.abort() }));
  assert.equal(error.code, "aborted");
  assert.equal(fake.calls.length, 0);
});

test("a JSON answer without signatures, or with bad base64, is bad-response", async () => {
  let fake = new FakeFetch(TOKEN_OK, () => json(200, { requestId: "r" }));
  let error = await rejection(client(fake).sign([new TestFile(["x"], "a"), new TestFile(["y"], "b")]));
  assert.equal(error.code, "bad-response");
  fake = new FakeFetch(TOKEN_OK, () => json(200, { requestId: "r", signatures: [{ name: "a", mimeType: "x/y", content: "***" }] }));
  error = await rejection(client(fake).sign([new TestFile(["x"], "a"), new TestFile(["y"], "b")]));
  assert.equal(error.code, "bad-response");
  assert.equal(error.requestId, "r");
});

test("verify(): with detached files, the tar form (the files themselves, streamed); without, JSON", async () => {
  const report = { schema: "podpis.verify/1", indication: "TOTAL-PASSED", signatures: [] };
  const fake = new FakeFetch(TOKEN_OK, () => json(200, report));
  const result = await client(fake).verify(new TestFile(["<sig/>"], "umowa.pdf.xades"),
    { detached: [new TestFile(["%PDF"], "umowa.pdf")], at: "2026-05-01T12:00:00Z" });
  assert.deepEqual(result, report);
  assert.deepEqual(fake.lines, [`GET ${V4}/v1/pairing`, `POST ${V4}/v1/verify?name=umowa.pdf.xades&at=2026-05-01T12%3A00%3A00Z`]);
  assert.deepEqual(fake.calls[1].headers, { "Content-Type": "application/x-tar", Accept: "application/json", Authorization: "Bearer TOK" });
  const entries = await untar(fake.calls[1].init.body);
  assert.deepEqual(entries, [["umowa.pdf.xades", "<sig/>"], ["umowa.pdf", "%PDF"]]);
});

test("tarBlob(): GNU tar reads it back, pax names for non-ASCII and long names, sizes across block boundaries", async () => {
  const long = "a".repeat(150) + ".pdf";
  const docs = [
    { name: "zaświadczenie.pdf", blob: new Blob(["x".repeat(512)]) },
    { name: long, blob: new Blob(["y".repeat(513)]) },
    { name: "pusty.txt", blob: new Blob([]) },
  ];
  const dir = mkdtempSync(join(tmpdir(), "podpis-tar-"));
  try {
    writeFileSync(join(dir, "t.tar"), Buffer.from(await tarBlob(docs).arrayBuffer()));
    const listed = execFileSync("tar", ["-tf", join(dir, "t.tar")], { encoding: "utf8" }).trim().split("\n");
    assert.deepEqual(listed, ["zaświadczenie.pdf", long, "pusty.txt"]);
    execFileSync("tar", ["-xf", join(dir, "t.tar"), "-C", dir]);
    assert.equal(readFileSync(join(dir, "zaświadczenie.pdf"), "utf8"), "x".repeat(512));
    assert.equal(readFileSync(join(dir, long), "utf8"), "y".repeat(513));
    assert.equal(readFileSync(join(dir, "pusty.txt"), "utf8"), "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The entries of a tar Blob, read by GNU tar (not by our own code). */
async function untar(blob) {
  const dir = mkdtempSync(join(tmpdir(), "podpis-tar-"));
  try {
    writeFileSync(join(dir, "t.tar"), Buffer.from(await blob.arrayBuffer()));
    const names = execFileSync("tar", ["-tf", join(dir, "t.tar")], { encoding: "utf8" }).trim().split("\n");
    execFileSync("tar", ["-xf", join(dir, "t.tar"), "-C", dir]);
    return names.map((name) => [name, readFileSync(join(dir, name), "utf8")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("verify({text: true}): Accept text/plain and Accept-Language; the clerk's text back", async () => {
  const text = "NIE MOŻNA USTALIĆ – brak aktualnych danych\nPodpisał: Anna Nowak\n";
  const fake = new FakeFetch(TOKEN_OK, () => new Response(text, { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } }));
  const result = await client(fake).verify({ name: "w.xml", blob: new Blob(["<w/>"]) }, { text: true });
  assert.equal(result, text);
  assert.deepEqual(fake.calls[1].headers, {
    "Content-Type": "application/json", Accept: "text/plain", "Accept-Language": "pl", Authorization: "Bearer TOK",
  });
  assert.equal(fake.calls[1].init.body, JSON.stringify({ signature: { name: "w.xml", content: b64("<w/>") } }));
});

test("autoPair false: no pairing; the call goes with the stored token, or without Authorization, and not-paired is thrown", async () => {
  const fake = new FakeFetch(() => new Response(JSON.stringify({ code: "not-paired", status: 403, message: { pl: "PL", en: "EN" } }),
    { status: 403, headers: { "Content-Type": "application/problem+json" } }));
  const podpis = new Podpis({ fetch: fake.fetch, storage: null, language: "pl", autoPair: false });
  const error = await rejection(podpis.sign(new TestFile(["a"], "a.txt", { type: "text/plain" }), { format: "cades" }));
  assert.equal(error.code, "not-paired");
  assert.deepEqual(fake.lines, [`POST ${V4}/v1/sign?name=a.txt&format=cades`]);   // once: no pairing, no retry
  assert.deepEqual(fake.calls[0].headers, { "Content-Type": "text/plain" });

  const stored = new FakeFetch(signatureFile({}));
  const withToken = new Podpis({ fetch: stored.fetch, storage: new FakeStorage({ [KEY]: "TOK" }), language: "pl", autoPair: false });
  await withToken.sign(new TestFile(["a"], "a.txt", { type: "text/plain" }), { format: "xades" });
  assert.deepEqual(stored.lines, [`POST ${V4}/v1/sign?name=a.txt&format=xades`]);  // no GET /v1/pairing first
  assert.equal(stored.calls[0].headers.Authorization, "Bearer TOK");
});
