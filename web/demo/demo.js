// EZD Testowo — podpisywanie dokumentów przez program Podpis (podpisd): strona wzorcowa.
// Kopiuj sekcję RDZEŃ; reszta pliku to obsługa formularza, zdarzeń i błędów tej strony.
// The CORE is what an EZD page needs (pair, list certificates, sign, download); the rest is this page's UI.

// ============================== RDZEŃ / CORE ==============================
import { Podpis, PodpisError } from "../podpis/podpis.js";

const query = new URLSearchParams(location.search);
const lang = query.get("lang") === "en" ? "en" : "pl";
const podpis = new Podpis({
  application: "EZD Testowo (demo)",                                // pokazane urzędnikowi przy parowaniu
  endpoints: [query.get("podpisd") || "http://127.0.0.1:35900"],
  language: lang,                                                   // teksty błędów i weryfikacji
});

// Certyfikat, którym można podpisać: klucz widoczny (albo ukryty do podania PIN-u), ważny, nie CA.
const canSign = (c) => (c.key ? c.key.canSign : c.keyHiddenUntilLogin) && !c.facts?.isCA && !["expired", "not-yet-valid"].includes(c.validity);

// Urzędnik zezwala tej stronie w `podpis agent` (raz); potem: certyfikaty, którymi można podpisać.
async function connectAndListCertificates() {
  await podpis.ensurePaired();
  return (await podpis.certificates()).filter(canSign);
}

// Urzędnik potwierdza podpis i wpisuje PIN w terminalu (podpis agent), nigdy na tej stronie.
async function signAndDownload(files, { certificate, format, packaging, level, form, signal, onStage }) {
  const result = await podpis.sign(files, { certificate, format, packaging, level, form, signal, onStage });
  for (const signature of result.signatures) {                     // { name, mimeType, blob, documents? }
    const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(signature.blob), download: signature.name });
    document.body.append(a);
    a.click();                                                      // zwykle: wyślij signature.blob na serwer EZD
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  }
  return result;
}
// ============================ KONIEC RDZENIA / END OF CORE ============================

// --- Teksty strony (po polsku; ?lang=en po angielsku) / the page's texts ---
const TEXTS = {
  pl: {
    idle: "Nie połączono z programem Podpis.",
    connecting: "Łączenie z programem Podpis… (jeśli w terminalu pojawi się pytanie o tę stronę, zezwól na nią)",
    ready: "Połączono z programem Podpis.",
    noAgent: "Połączono, ale nie działa „podpis agent”: uruchom go w terminalu, zanim podpiszesz.",
    working: "Podpisywanie…",
    pairing: "Zezwól tej stronie w terminalu (podpis agent)…",
    hashing: "Liczenie skrótów plików…",
    sending: "Wysyłanie dokumentów do programu Podpis…",
    waiting: "Potwierdź podpis w terminalu (podpis agent)…",
    verifying: "Sprawdzanie podpisu…",
    signed: (n) => `Podpisano (plików podpisu: ${n}).`,
    error: "Błąd — szczegóły poniżej.",
    aborted: "Anulowano.",
    chooseFiles: "Wybierz plik(i) do podpisania.",
    noCertificates: "Brak certyfikatów, którymi można podpisać: włóż kartę albo sprawdź czytnik.",
    qualified: " (kwalifikowany)",
    qualifiedSeal: " (pieczęć kwalifikowana)",
    expiresSoon: "wygasa wkrótce",
    validUntil: "ważny do",
    issuer: "wystawca",
    token: "karta/token",
    eventsOpen: "Zdarzenia stanowiska: na bieżąco",
    eventsLost: "Zdarzenia stanowiska: brak połączenia (ponawianie…)",
    requestId: "identyfikator żądania",
    triesLeft: (n) => ` Pozostało prób: ${n}.`,
    notVerifiedTooLarge: "Podpisu nie sprawdzono: pliki są za duże, by przesłać je do weryfikacji.",
    results: {
      signed: "podpisano", refused: "odrzucono", failed: "nie powiodło się",
    },
    events: {
      "card-removed": (d) => `Karta wyjęta z czytnika ${d.reader ?? ""}`,
      "card-inserted": (d) => `Karta włożona do czytnika ${d.reader ?? ""}`,
      "reader-appeared": (d) => `Podłączono czytnik ${d.reader ?? ""}`,
      "reader-vanished": (d) => `Odłączono czytnik ${d.reader ?? ""}`,
      "token-appeared": (d) => `Pojawił się token „${d.token ?? ""}”`,
      "token-vanished": (d) => `Token zniknął: „${d.token ?? ""}”`,
      "pin-locked": (d) => `PIN zablokowany: „${d.token ?? ""}” — odblokuj kartę kodem PUK`,
      "pcsc-lost": () => "Usługa kart (pcscd) niedostępna",
      "pcsc-restored": () => "Usługa kart (pcscd) znów działa",
      "request-queued": (d) => `Żądanie ${d.requestId ?? ""} czeka w kolejce (${d.token ?? ""})`,
      "request-started": (d) => `Żądanie ${d.requestId ?? ""} pokazane w terminalu (${d.token ?? ""})`,
      "request-finished": (d, t) => `Żądanie ${d.requestId ?? ""} zakończone: ${t.results[d.result] ?? d.result ?? ""}${d.problem ? ` (${d.problem})` : ""}`,
    },
    help: {
      refused: "Podpis odrzucony w terminalu.",
      "no-agent": "Nikt nie odpowiedział w terminalu: uruchom „podpis agent” i spróbuj ponownie.",
      "wrong-pin": "Błędny PIN. Uwaga: po wyczerpaniu prób karta zostanie zablokowana.",
      "pin-locked": "PIN karty jest zablokowany: odblokuj ją kodem PUK w programie wydawcy karty.",
      "pin-missing": "Agent zatwierdził bez PIN-u, którego wymaga karta; nic nie podpisano, spróbuj ponownie.",
      "local-network-blocked": "Przeglądarka zablokowała dostęp strony do programu Podpis na tym komputerze (dostęp do sieci lokalnej): zezwól na niego w ustawieniach witryny.",
      unreachable: "Program Podpis nie odpowiada: sprawdź, czy podpisd działa na tym komputerze (systemctl --user status podpisd).",
      "pairing-failed": "Nie udało się sparować strony: urzędnik odmówił w terminalu, pytanie już czeka w innej karcie, nikt nie odpowiedział albo program Podpis nie działa.",
      "pairing-refused": "Urzędnik odmówił tej stronie; przez 5 minut kolejne prośby są odrzucane bez pytania.",
      "not-paired": "Zgoda dla tej strony wygasła lub została cofnięta: połącz się ponownie.",
      "origin-not-allowed": "Ta strona nie ma zgody programu Podpis: połącz się ponownie albo poproś administratora o wpis w allowed_origins.",
      "origin-not-pairable": "Ta strona nie może się sparować (adres inny niż https://; w trakcie prac: development_origins = true).",
      "digest-only-not-allowed": "Polityka tego certyfikatu nie pozwala podpisywać samych skrótów: odznacz „Tylko skrót”.",
      "digest-not-allowed": "Sam skrót można podpisać tylko w podpisie zewnętrznym (detached).",
      aborted: "Anulowano.",
      "token-absent": "Karta została wyjęta: włóż ją i spróbuj ponownie.",
      "unknown-certificate": "Nie ma już tego certyfikatu (wyjęta karta?): wybierz go ponownie.",
      "ambiguous-certificate": "Wybierz certyfikat.",
      "tsa-failed": "Usługa znacznika czasu nie odpowiedziała: spróbuj ponownie albo podpisz na poziomie B-B.",
      "too-large": "Plik jest za duży: zaznacz „Tylko skrót (duże pliki)”.",
      "bad-document": "Tego dokumentu nie można tak podpisać (np. podpis otoczony — enveloped — tylko dla XML).",
      "queue-full": "Kolejka podpisów jest pełna: spróbuj za chwilę.",
    },
  },
  en: {
    idle: "Not connected to Podpis.",
    connecting: "Connecting to Podpis… (if the terminal asks about this page, allow it)",
    ready: "Connected to Podpis.",
    noAgent: "Connected, but “podpis agent” is not running: start it in a terminal before signing.",
    working: "Signing…",
    pairing: "Allow this page in the terminal (podpis agent)…",
    hashing: "Computing the files' digests…",
    sending: "Sending the documents to Podpis…",
    waiting: "Confirm the signature in the terminal (podpis agent)…",
    verifying: "Verifying the signature…",
    signed: (n) => `Signed (signature files: ${n}).`,
    error: "Error — details below.",
    aborted: "Cancelled.",
    chooseFiles: "Choose the file(s) to sign.",
    noCertificates: "No certificate that can sign: insert a card or check the reader.",
    qualified: " (qualified)",
    qualifiedSeal: " (qualified seal)",
    expiresSoon: "expires soon",
    validUntil: "valid until",
    issuer: "issuer",
    token: "card/token",
    eventsOpen: "Station events: live",
    eventsLost: "Station events: disconnected (retrying…)",
    requestId: "request id",
    triesLeft: (n) => ` Tries left: ${n}.`,
    notVerifiedTooLarge: "The signature was not verified: the files are too large to send for verification.",
    results: { signed: "signed", refused: "refused", failed: "failed" },
    events: {
      "card-removed": (d) => `Card removed from ${d.reader ?? ""}`,
      "card-inserted": (d) => `Card inserted into ${d.reader ?? ""}`,
      "reader-appeared": (d) => `Reader connected: ${d.reader ?? ""}`,
      "reader-vanished": (d) => `Reader disconnected: ${d.reader ?? ""}`,
      "token-appeared": (d) => `Token appeared: “${d.token ?? ""}”`,
      "token-vanished": (d) => `Token vanished: “${d.token ?? ""}”`,
      "pin-locked": (d) => `PIN locked: “${d.token ?? ""}” — unblock the card with its PUK`,
      "pcsc-lost": () => "Smart card service (pcscd) lost",
      "pcsc-restored": () => "Smart card service (pcscd) back",
      "request-queued": (d) => `Request ${d.requestId ?? ""} queued (${d.token ?? ""})`,
      "request-started": (d) => `Request ${d.requestId ?? ""} shown in the terminal (${d.token ?? ""})`,
      "request-finished": (d, t) => `Request ${d.requestId ?? ""} finished: ${t.results[d.result] ?? d.result ?? ""}${d.problem ? ` (${d.problem})` : ""}`,
    },
    help: {
      refused: "The signature was refused in the terminal.",
      "no-agent": "Nobody answered in the terminal: start “podpis agent” and try again.",
      "wrong-pin": "Wrong PIN. Careful: when the tries run out the card is blocked.",
      "pin-locked": "The card's PIN is blocked: unblock it with the PUK in the card issuer's tool.",
      "pin-missing": "The agent approved without the PIN the card needs; nothing was signed, try again.",
      "local-network-blocked": "The browser blocked this page from reaching Podpis on this computer (local network access): allow it in the site settings.",
      unreachable: "Podpis does not answer: check that podpisd runs on this computer (systemctl --user status podpisd).",
      "pairing-failed": "Pairing failed: the clerk denied it, another tab is already asking, nobody answered, or Podpis is not running.",
      "pairing-refused": "The clerk denied this page; for 5 minutes further requests are refused without asking.",
      "not-paired": "This page's approval expired or was revoked: connect again.",
      "origin-not-allowed": "This page is not approved by Podpis: connect again, or ask the administrator to list it in allowed_origins.",
      "origin-not-pairable": "This page cannot pair (not https://; while developing: development_origins = true).",
      "digest-only-not-allowed": "This certificate's policy does not allow signing digests alone: untick “Digest only”.",
      "digest-not-allowed": "A digest alone can be signed only detached.",
      aborted: "Cancelled.",
      "token-absent": "The card was removed: insert it and try again.",
      "unknown-certificate": "That certificate is gone (card removed?): choose it again.",
      "ambiguous-certificate": "Choose a certificate.",
      "tsa-failed": "The time-stamping service did not answer: try again, or sign at level B-B.",
      "too-large": "The file is too large: tick “Digest only (large files)”.",
      "bad-document": "This document cannot be signed this way (e.g. enveloped is for XML only).",
      "queue-full": "The signing queue is full: try again shortly.",
    },
  },
};
const T = TEXTS[lang];

// --- Elementy strony / the page's elements ---
const $ = (id) => document.getElementById(id);
const ui = {
  connect: $("connect"), status: $("status"), stage: $("stage"), events: $("events"), eventsStatus: $("events-status"),
  certificate: $("certificate"), holder: $("holder"), certificateDetails: $("certificate-details"),
  files: $("files"), format: $("format"), packaging: $("packaging"), level: $("level"), digestOnly: $("digest-only"),
  sign: $("sign"), cancel: $("cancel"), results: $("results"), verdict: $("verdict"), report: $("report"),
  error: $("error"), errorText: $("error-text"), errorCode: $("error-code"), errorRequest: $("error-request"), errorHelp: $("error-help"),
};

let certificates = [];
let eventStream = null;
let signing = null;            // AbortController of the signature in progress
let resultURLs = [];           // blob: URLs of the visible links, released on the next signature

function setState(state, text) {
  document.body.dataset.state = state;
  if (text !== undefined) ui.status.textContent = text;
}

function showStage(text) {
  ui.stage.textContent = text ?? "";
}

// --- Błędy / errors ---
function clearError() {
  ui.error.hidden = true;
  window.podpisLastError = null;
}

function showError(e) {
  const isPodpis = e instanceof PodpisError;
  const code = isPodpis ? e.code : (e?.name || "error");
  const text = isPodpis ? (e.messages?.[lang] || e.text || e.message) : String(e?.message ?? e);
  window.podpisLastError = isPodpis
    ? { code, status: e.status, text, reason: e.reason, requestId: e.requestId, triesLeft: e.triesLeft, messages: e.messages }
    : { code, status: undefined, text };
  ui.errorText.textContent = text;
  ui.errorCode.textContent = code;
  ui.errorRequest.textContent = isPodpis && e.requestId ? `${T.requestId}: ${e.requestId}` : "";
  let help = T.help[code] ?? "";
  if (code === "wrong-pin" && e.triesLeft != null) help += T.triesLeft(e.triesLeft);
  ui.errorHelp.textContent = help;
  ui.errorHelp.hidden = !help;
  ui.error.hidden = false;
  if (code === "aborted") setState("error", T.aborted);
  else setState("error", T.error);
  if (!isPodpis) console.error(e);
}

// --- Certyfikaty / certificates ---
function holderOf(c) {
  return c.facts?.commonName || c.facts?.organization || c.label || c.facts?.subject || c.id;
}

function optionText(c) {
  return holderOf(c) + (c.qualifiedForSealing ? T.qualifiedSeal : c.qualifiedForSigning ? T.qualified : "");
}

function renderCertificates(list) {
  const previous = ui.certificate.value;
  certificates = list;
  ui.certificate.replaceChildren(...list.map((c) => {
    const option = new Option(optionText(c), c.id);
    option.dataset.validity = c.validity ?? "";
    return option;
  }));
  if (list.some((c) => c.id === previous)) ui.certificate.value = previous;
  ui.certificate.disabled = list.length === 0;
  ui.certificate.dataset.count = String(list.length);
  showSelectedCertificate();
}

function showSelectedCertificate() {
  const c = certificates.find((x) => x.id === ui.certificate.value);
  ui.holder.textContent = c ? holderOf(c) : "";
  if (!c) {
    ui.certificateDetails.textContent = certificates.length === 0 && document.body.dataset.connected ? T.noCertificates : "";
    return;
  }
  const until = c.facts?.notAfter ? new Date(c.facts.notAfter).toLocaleDateString(lang === "pl" ? "pl-PL" : "en-GB") : "?";
  ui.certificateDetails.textContent = [
    `${T.validUntil} ${until}${c.validity === "expires-soon" ? ` (${T.expiresSoon})` : ""}`,
    c.facts?.issuer ? `${T.issuer}: ${c.facts.issuer}` : "",
    c.token ? `${T.token}: ${c.token}` : "",
  ].filter(Boolean).join(" · ");
}

async function reloadCertificates() {
  try {
    renderCertificates((await podpis.certificates()).filter(canSign));
  } catch (e) {                                                     // the event stream shows the connection's state
    console.warn("podpis: certificates", e);
    ui.certificateDetails.textContent = e instanceof PodpisError ? e.text : String(e);
  }
}

// --- Zdarzenia stanowiska / station events ---
const RELOADING_EVENTS = new Set(["card-removed", "card-inserted", "token-appeared", "token-vanished", "pin-locked", "reader-vanished", "pcsc-restored"]);

const shortId = (requestId) => (requestId && requestId.length > 12 ? `${requestId.slice(0, 12)}…` : requestId);

function renderEvent({ event, id, data }) {
  const describe = T.events[event];
  const d = data && typeof data === "object" ? { ...data, requestId: shortId(data.requestId) } : {};
  const li = document.createElement("li");
  li.dataset.event = event;
  if (id) li.dataset.id = id;
  if (data?.requestId) {
    li.dataset.requestId = data.requestId;
    li.title = data.requestId;
  }
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString(lang === "pl" ? "pl-PL" : "en-GB");
  const text = document.createElement("span");
  text.textContent = describe ? describe(d, T).trim() : `${event}${typeof data === "string" && data ? `: ${data}` : ""}`;
  if (event === "pin-locked" || (event === "request-finished" && d.result !== "signed")) li.classList.add("warn");
  li.append(time, " ", text);
  ui.events.prepend(li);
  while (ui.events.children.length > 100) ui.events.lastElementChild.remove();
}

function followEvents() {
  eventStream?.close();
  eventStream = podpis.events({
    onOpen() {                                                      // also after every reconnection: nothing is replayed
      ui.eventsStatus.textContent = T.eventsOpen;
      ui.eventsStatus.dataset.connected = "1";
      document.body.dataset.events = "open";
      reloadCertificates();
    },
    onEvent(e) {
      renderEvent(e);
      if (RELOADING_EVENTS.has(e.event)) reloadCertificates();
    },
    onError(e) {                                                    // the stream reconnects by itself (until a 4xx)
      ui.eventsStatus.textContent = `${T.eventsLost} — ${e?.code ?? ""}`;
      delete ui.eventsStatus.dataset.connected;
      document.body.dataset.events = "lost";
    },
  });
}

// --- Połączenie / connecting ---
async function connect() {
  clearError();
  setState("connecting", T.connecting);
  ui.connect.disabled = true;
  try {
    renderCertificates(await connectAndListCertificates());
    document.body.dataset.connected = "1";
    showSelectedCertificate();
    let text = T.ready;
    try {
      const status = await podpis.status();                         // agents: how many `podpis agent` answer now
      if (status.agents === 0) text = T.noAgent;
    } catch { /* status is only a hint */ }
    setState("connected", text);
    followEvents();
    return certificates;
  } catch (e) {
    showError(e);
    throw e;
  } finally {
    ui.connect.disabled = false;
  }
}

// --- Podpisywanie / signing ---
function currentOptions() {
  return {
    certificate: ui.certificate.value || undefined,                 // undefined: the daemon picks the only one
    format: ui.format.value,
    packaging: ui.packaging.value,
    level: ui.level.value,
    form: ui.digestOnly.checked ? "digest" : "auto",
  };
}

function addResultLink(signature) {
  const url = URL.createObjectURL(signature.blob);
  resultURLs.push(url);
  const li = document.createElement("li");
  li.dataset.name = signature.name;
  const a = Object.assign(document.createElement("a"), { href: url, download: signature.name, textContent: signature.name });
  li.append(a);
  const size = document.createElement("small");
  size.textContent = ` ${signature.mimeType} · ${signature.blob.size.toLocaleString(lang === "pl" ? "pl-PL" : "en-GB")} B` +
    (signature.documents?.length ? ` · ${signature.documents.join(", ")}` : "");
  li.append(size);
  ui.results.append(li);
}

async function sign(overrides = {}) {
  const files = overrides.files ?? [...ui.files.files];
  const options = { ...currentOptions(), ...overrides };
  delete options.files;
  clearError();
  if (files.length === 0) {
    setState("idle", T.chooseFiles);
    ui.files.focus();
    return null;
  }
  signing?.abort();
  const controller = new AbortController();
  signing = controller;
  ui.sign.disabled = true;
  ui.cancel.disabled = false;
  for (const url of resultURLs) URL.revokeObjectURL(url);
  resultURLs = [];
  ui.results.replaceChildren();
  ui.verdict.textContent = "";
  ui.verdict.removeAttribute("data-verdict");
  ui.report.textContent = "";
  ui.report.hidden = true;
  setState("working", T.waiting);
  showStage(T.working);
  try {
    const result = await signAndDownload(files, {
      ...options,
      signal: controller.signal,
      onStage: (stage) => {
        if (stage === "waiting" || stage === "pairing") ui.status.textContent = T[stage];
        showStage(T[stage] ?? stage);
      },
    });
    result.signatures.forEach(addResultLink);
    showStage(T.verifying);
    try {
      await verifyFirst(result.signatures[0], files, options.packaging);
    } catch (e) {
      if (!(e instanceof PodpisError && e.code === "too-large")) throw e;
      ui.verdict.textContent = T.notVerifiedTooLarge;                // signed; only the check was skipped
      ui.verdict.dataset.verdict = "not-verified";
    }
    showStage(result.requestId ? `${T.requestId}: ${result.requestId}` : "");
    setState("signed", T.signed(result.signatures.length));
    if (!eventStream) followEvents();                               // signed without "Połącz": sign() paired the page
    return result;
  } catch (e) {
    showStage("");
    showError(e);
    throw e;
  } finally {
    if (signing === controller) signing = null;
    ui.sign.disabled = false;
    ui.cancel.disabled = true;
  }
}

// The first line of the verification text is the verdict ("PODPIS WAŻNY …"); the rest: who, when, what.
async function verifyFirst(signature, files, packaging) {
  if (!signature) return;
  const detached = packaging === "detached"
    ? files.filter((f) => !signature.documents || signature.documents.includes(f.name))
    : undefined;
  const text = await podpis.verify(signature, { detached, text: true });   // a Signature is a NamedDocument
  const [first, ...rest] = text.replace(/\s+$/, "").split("\n");
  ui.verdict.textContent = first;
  ui.verdict.dataset.verdict = /^PODPIS WAŻNY|^SIGNATURE VALID/i.test(first) ? "valid" : "other";
  ui.report.textContent = rest.join("\n");
  ui.report.hidden = rest.length === 0;
}

// --- Formularz / the form ---
// Nothing is corrected silently: a combination that cannot work (CAdES enveloped, a digest alone
// but not detached) gets the daemon's or the library's own error, which is what an integrator must see.
for (const [param, select] of [["format", ui.format], ["packaging", ui.packaging], ["level", ui.level]]) {
  const value = query.get(param);
  if (value && [...select.options].some((o) => o.value === value)) select.value = value;
}
if (query.get("digestOnly") === "1") ui.digestOnly.checked = true;

ui.certificate.addEventListener("change", showSelectedCertificate);
ui.connect.addEventListener("click", () => connect().catch(() => {}));
ui.sign.addEventListener("click", () => sign().catch(() => {}));
ui.cancel.addEventListener("click", () => signing?.abort());
// ?lang=en: the static texts of index.html carry their English in data-en; the switch keeps the other parameters.
const switchQuery = new URLSearchParams(query);
if (lang === "en") {
  for (const element of document.querySelectorAll("[data-en]")) element.textContent = element.dataset.en;
  document.documentElement.lang = "en";
  switchQuery.delete("lang");
} else {
  switchQuery.set("lang", "en");
}
$("lang-switch").href = `?${switchQuery}`;

setState("idle", T.idle);
ui.cancel.disabled = true;

window.podpisDemo = { podpis, connect, sign, reloadCertificates };
if (query.get("autoconnect") === "1") connect().catch(() => {});
