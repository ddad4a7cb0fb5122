#!/usr/bin/env python3
"""The browser side of the end-to-end tests (Tests/PodpisdTests/BrowserTests.swift):
Debian's headless Chromium, driven by Selenium through Debian's chromedriver,
opens the demo EZD page (web/demo, served over HTTPS from web/ by this script)
and talks to a real podpisd. Prints one JSON object with what the page showed;
the Swift test asserts on it and checks the downloaded files with xmlsec1 /
openssl.

  PYTHONPATH=.testbed/py-browser /usr/bin/python3 browser_e2e.py SCENARIO
      --podpisd http://127.0.0.1:PORT --page-port P --out DIR [options]

The page's origin is https://ezd.testowo.example:P (Chromium resolves the name
to 127.0.0.1 by --host-resolver-rules; the test certificate is accepted by
--ignore-certificate-errors). With --public, Chromium treats the page's
address as public (--ip-address-space-overrides), so Local Network Access
applies to its calls to podpisd exactly as for an EZD on the Internet;
--grant gives the page the "loopback-network" permission through the DevTools
protocol (Browser.grantPermissions, permission loopbackNetwork: the one
Chromium 156 checks for loopback targets).

Scenarios:
  sign       pick the certificate --certificate, the files --file (real
             <input type=file>), --format/--packaging/--level/--digest-only,
             click "Podpisz"; the downloads land in --out/downloads
  connect    click "Połącz" and report the state and the error shown
  unapproved from JS, without asking to pair: read the certificates and sign
             a Blob, report the errors podpis.js gives
  rebinding  open http://rebind.example:PORT/ (a name that resolves to
             127.0.0.1, as after DNS rebinding) and call podpisd from there,
             same-origin
  events     connect, then run --then (a shell command, e.g. pull the card),
             and wait until the page lists the event --expect-event
  docs       the example of docs/protocol.md ("Pair, pick a certificate, sign,
             download"), served by the test at --path: pick --file in #pliki,
             click #podpisz, wait for a download or a message in #komunikat
  seal       from JS on the demo page, as a sealing page would: a seal batch
             of profile --profile with the files --file (podpis.js's
             createBatch, put, events, close, seal); reports the events and
             each seal in base64
  abort      start signing, wait until --wait-for FILE:TEXT (the agent's log
             shows the question, which it holds), click "Anuluj"
"""
import argparse, base64, json, os, shutil, socket, ssl, subprocess, sys, threading, time
import http.server
from functools import partial

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

PAGE_HOST = "ezd.testowo.example"
REBIND_HOST = "rebind.example"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".mjs": "text/javascript"}

    def log_message(self, *args):
        pass


def serve_https(root, port, workdir):
    """web/ over HTTPS on 127.0.0.1:port with a throw-away certificate."""
    key, cert = os.path.join(workdir, "page-key.pem"), os.path.join(workdir, "page-cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + PAGE_HOST,
                    "-addext", "subjectAltName=DNS:" + PAGE_HOST], check=True, capture_output=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(QuietHandler, directory=root))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser(args, downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    flags = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--ignore-certificate-errors",
             "--window-size=1280,1000", "--no-first-run", "--disable-gpu", "--lang=pl-PL",
             f"--host-resolver-rules=MAP {PAGE_HOST} 127.0.0.1, MAP {REBIND_HOST} 127.0.0.1",
             f"--user-data-dir={os.path.join(args.out, 'profile')}"]
    if args.public:
        flags.append(f"--ip-address-space-overrides=127.0.0.1:{args.page_port}=public")
    for flag in flags:
        options.add_argument(flag)
    # Several signatures from one click are several downloads: allowed, as a
    # clerk's browser asks once ("download multiple files") and is told yes.
    options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False,
                                              "profile.default_content_setting_values.automatic_downloads": 1,
                                              "intl.accept_languages": "pl-PL,pl"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(args.chromedriver), options=options)
    driver.set_script_timeout(600)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver


def page_url(args, extra=""):
    if args.path:
        return f"https://{PAGE_HOST}:{args.page_port}{args.path}"
    return f"https://{PAGE_HOST}:{args.page_port}/demo/?podpisd={args.podpisd}{extra}"


def state(driver):
    return driver.execute_script("return document.body.dataset.state || ''")


def wait_state(driver, wanted, timeout):
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: state(d) in wanted)
    return state(driver)


def text_of(driver, element_id):
    found = driver.find_elements(By.ID, element_id)
    return found[0].text if found else None


def page_facts(driver):
    """What the page shows and what it left for tests."""
    return {
        "state": state(driver),
        "status": text_of(driver, "status"),
        "holder": text_of(driver, "holder"),
        "verdict": text_of(driver, "verdict"),
        "error": text_of(driver, "error"),
        "errorCode": text_of(driver, "error-code"),
        "lastError": driver.execute_script("return window.podpisLastError || null"),
        "events": [li.get_attribute("data-event") for li in driver.find_elements(By.CSS_SELECTOR, "#events li")],
        "eventTexts": [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#events li")],
        "results": [li.get_attribute("data-name") for li in driver.find_elements(By.CSS_SELECTOR, "#results li")],
        "bodyText": driver.find_element(By.TAG_NAME, "body").text,
    }


def grant(driver, args):
    if args.grant:
        driver.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": f"https://{PAGE_HOST}:{args.page_port}", "permissions": ["loopbackNetwork"]})


def permission_states(driver):
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const out = {};
          for (const name of ["loopback-network", "local-network-access", "local-network"]) {
            try { out[name] = (await navigator.permissions.query({ name })).state; } catch (e) { out[name] = "unsupported"; }
          }
          done(out);
        })();""")


def connect(driver, args):
    driver.find_element(By.ID, "connect").click()
    return wait_state(driver, {"connected", "error"}, args.timeout)


def wait_downloads(directory, names, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        present = set(os.listdir(directory))
        if all(n in present for n in names) and not any(p.endswith(".crdownload") for p in present):
            return sorted(present)
        time.sleep(0.2)
    return sorted(os.listdir(directory))


def pick_certificate(driver, value):
    """Selects the certificate and says whether the list still shows it
    selected (it may have been drawn again meanwhile)."""
    Select(driver.find_element(By.ID, "certificate")).select_by_value(value)
    time.sleep(0.2)
    return driver.find_element(By.ID, "certificate").get_attribute("value") == value


def fill_in(driver, args, result):
    """Connects, then picks the certificate, format, packaging, level and the
    files as the clerk would; False when the page did not connect."""
    grant(driver, args)
    driver.get(page_url(args))
    result["connect"] = connect(driver, args)
    if result["connect"] != "connected":
        return False
    # The page lists the certificates again on every token or card event
    # (podpisd reports each token once when it starts watching): an option
    # read a moment before may be gone, so the pick is retried.
    WebDriverWait(driver, args.timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: any(o.get_attribute("value") == args.certificate
                      for o in d.find_elements(By.CSS_SELECTOR, "#certificate option")))
    WebDriverWait(driver, args.timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: pick_certificate(d, args.certificate))
    Select(driver.find_element(By.ID, "format")).select_by_value(args.format)
    Select(driver.find_element(By.ID, "packaging")).select_by_value(args.packaging)
    Select(driver.find_element(By.ID, "level")).select_by_value(args.level)
    digest = driver.find_element(By.ID, "digest-only")
    if digest.is_selected() != args.digest_only:
        digest.click()
    driver.find_element(By.ID, "files").send_keys("\n".join(os.path.abspath(f) for f in args.file))
    return True


def scenario_sign(driver, args, result):
    if not fill_in(driver, args, result):
        return
    started = time.time()
    driver.find_element(By.ID, "sign").click()
    result["signState"] = wait_state(driver, {"signed", "error"}, args.timeout)
    result["signSeconds"] = round(time.time() - started, 2)
    result["downloads"] = wait_downloads(args.downloads, result_names(driver), 60) if result["signState"] == "signed" else []


def result_names(driver):
    return [li.get_attribute("data-name") for li in driver.find_elements(By.CSS_SELECTOR, "#results li")]


def scenario_connect(driver, args, result):
    grant(driver, args)
    driver.get(page_url(args))
    result["permissionsBefore"] = permission_states(driver)
    result["connect"] = connect(driver, args)
    result["permissionsAfter"] = permission_states(driver)


def scenario_unapproved(driver, args, result):
    """A page nobody approved uses podpis.js without asking to pair."""
    grant(driver, args)
    driver.get(page_url(args))
    result["calls"] = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const { Podpis } = await import("/podpis/podpis.js");
          const podpis = new Podpis({ endpoints: [arguments[0]], autoPair: false, storage: null });
          const out = {};
          const attempt = async (name, call) => {
            try { out[name] = { ok: true, value: await call() }; }
            catch (e) { out[name] = { ok: false, code: e.code, name: e.name, text: e.text ?? String(e) }; }
          };
          await attempt("certificates", () => podpis.certificates());
          await attempt("sign", () => podpis.sign(new File(["wniosek"], "wniosek.txt", { type: "text/plain" }),
                                                  { format: "cades", packaging: "detached" }));
          // The same as a hostile page would, by hand: the token it guessed, no pairing.
          await attempt("rawFetch", async () => (await fetch(arguments[0] + "/v1/sign?name=a.txt", {
            method: "POST", headers: { "Content-Type": "text/plain", Authorization: "Bearer guessed" }, body: "a" })).status);
          done(out);
        })();""", args.podpisd)


def scenario_rebinding(driver, args, result):
    port = args.podpisd.rsplit(":", 1)[1]
    origin = f"http://{REBIND_HOST}:{port}"
    driver.get(origin + "/v1/status")
    result["documentText"] = driver.find_element(By.TAG_NAME, "body").text
    result["calls"] = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const out = {};
          for (const [name, init] of [["certificates", {}], ["pairing", { method: "POST" }], ["openapi", {}]]) {
            const path = { certificates: "/v1/certificates", pairing: "/v1/pairing", openapi: "/v1/openapi.yaml" }[name];
            try {
              const r = await fetch(path, init);
              let code = null;
              try { code = (await r.clone().json()).code; } catch (e) {}
              out[name] = { status: r.status, code };
            } catch (e) { out[name] = { error: String(e) }; }
          }
          done(out);
        })();""")


def scenario_events(driver, args, result):
    grant(driver, args)
    driver.get(page_url(args))
    result["connect"] = connect(driver, args)
    if result["connect"] != "connected":
        return
    # The stream is open when the page says so (onOpen marks it).
    WebDriverWait(driver, args.timeout).until(lambda d: d.execute_script("return document.body.dataset.events === 'open'"))
    result["then"] = subprocess.run(args.then, shell=True, capture_output=True, text=True).returncode
    try:
        WebDriverWait(driver, args.timeout, poll_frequency=0.2).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f'#events li[data-event="{args.expect_event}"]'))
        result["eventSeen"] = True
    except TimeoutException:
        result["eventSeen"] = False


def scenario_abort(driver, args, result):
    if not fill_in(driver, args, result):
        return
    driver.find_element(By.ID, "sign").click()
    path, text = args.wait_for.rsplit(":", 1)
    def shown():
        try:
            with open(path, encoding="utf-8") as f:
                return text in f.read()
        except OSError:
            return False
    deadline = time.time() + args.timeout
    while not shown() and time.time() < deadline:
        time.sleep(0.1)
    result["questionShown"] = shown()
    driver.find_element(By.ID, "cancel").click()
    result["signState"] = wait_state(driver, {"signed", "error"}, args.timeout)


def scenario_docs(driver, args, result):
    grant(driver, args)
    driver.get(page_url(args))
    driver.find_element(By.ID, "pliki").send_keys("\n".join(os.path.abspath(f) for f in args.file))
    driver.find_element(By.ID, "podpisz").click()

    def finished(d):
        done = [n for n in os.listdir(args.downloads) if not n.endswith(".crdownload")]
        return done and not any(n.endswith(".crdownload") for n in os.listdir(args.downloads)) or d.find_element(By.ID, "komunikat").text
    try:
        WebDriverWait(driver, args.timeout, poll_frequency=0.2).until(finished)
    except TimeoutException:
        pass
    result["downloads"] = sorted(os.listdir(args.downloads))
    result["message"] = driver.find_element(By.ID, "komunikat").text


def scenario_seal(driver, args, result):
    grant(driver, args)
    driver.get(page_url(args))
    documents = []
    for path in args.file:
        with open(path, "rb") as f:
            documents.append([os.path.basename(path), base64.b64encode(f.read()).decode()])
    result["batch"] = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const [endpoint, profile, documents] = arguments;
        (async () => {
          const { Podpis } = await import("/podpis/podpis.js");
          const podpis = new Podpis({ endpoints: [endpoint], application: "Pieczętowanie (test)" });
          const out = { events: [], seals: {} };
          try {
            const batch = await podpis.createBatch(profile);
            out.id = batch.id;
            const ended = new Promise((resolve) => {
              const opened = batch.events({
                onEvent: ({ event, data }) => {
                  out.events.push(event === "document" ? `document ${data.document.name} ${data.document.state}` : event);
                  if (event === "end") resolve(data);
                },
              });
            });
            for (const [name, content] of documents) {
              const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
              await batch.put(new File([bytes], name));
            }
            await batch.close();
            out.end = await ended;
            for (const document of await batch.documents()) {
              if (document.state !== "sealed") continue;
              const blob = await batch.seal(document.name);
              const bytes = new Uint8Array(await blob.arrayBuffer());
              let binary = "";
              for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              out.seals[document.output ?? document.name] = btoa(binary);
            }
            await batch.remove();
          } catch (e) {
            out.error = { code: e.code, text: e.text ?? String(e) };
          }
          done(out);
        })();""", args.podpisd, args.profile, documents)


SCENARIOS = {"sign": scenario_sign, "connect": scenario_connect, "unapproved": scenario_unapproved,
             "rebinding": scenario_rebinding, "events": scenario_events, "abort": scenario_abort,
             "docs": scenario_docs, "seal": scenario_seal}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--podpisd", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--page-port", type=int, required=True)
    parser.add_argument("--web-root", default=os.path.join(os.path.dirname(__file__), "..", "..", "web"))
    parser.add_argument("--out", required=True)
    parser.add_argument("--public", action="store_true")
    parser.add_argument("--grant", action="store_true")
    parser.add_argument("--certificate")
    parser.add_argument("--file", action="append", default=[])
    parser.add_argument("--format", default="xades")
    parser.add_argument("--packaging", default="detached")
    parser.add_argument("--level", default="B-B")
    parser.add_argument("--digest-only", action="store_true")
    parser.add_argument("--then", default="true")
    parser.add_argument("--expect-event", default="card-removed")
    parser.add_argument("--wait-for", help="FILE:TEXT")
    parser.add_argument("--profile", default="zaswiadczenia")
    parser.add_argument("--path", help="the page's path under --web-root instead of the demo page")
    parser.add_argument("--screenshot", help="file name in --out")
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    args.downloads = os.path.join(args.out, "downloads")
    os.makedirs(args.downloads, exist_ok=True)
    server = serve_https(os.path.abspath(args.web_root), args.page_port, args.out)
    result = {"scenario": args.scenario}
    driver = None
    try:
        driver = browser(args, args.downloads)
        result["browserVersion"] = driver.capabilities.get("browserVersion")
        SCENARIOS[args.scenario](driver, args, result)
        if args.scenario not in ("rebinding", "docs"):
            result["page"] = page_facts(driver)
    except (WebDriverException, TimeoutException) as error:
        result["driverError"] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        if driver is not None:
            try:
                result["page"] = page_facts(driver)
            except WebDriverException:
                pass
    finally:
        if driver is not None:
            if args.screenshot:
                try:
                    driver.save_screenshot(os.path.join(args.out, args.screenshot))
                except WebDriverException:
                    pass
            try:
                result["console"] = [entry.get("message", "") for entry in driver.get_log("browser")][-30:]
            except WebDriverException:
                pass
            driver.quit()
        server.shutdown()
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    print()


if __name__ == "__main__":
    main()
