"""What verification.py and trustedlist.py share: the bench's paths and ports
(as lib.sh reads them), openssl runs (at a chosen past time through Debian's
`faketime`), key generation, certificate issuance with pki.cnf, and times.

Every openssl command gets OPENSSL_CONF=pki.cnf and the PODPIS_PKI_*
variables pki.cnf reads (the URLs of the bench's CRL/caIssuers server and
OCSP responder at generation time), so that certificates issued here carry
the same AIA and CDP as those of pki.sh."""

import concurrent.futures
import datetime
import os
import subprocess
import sys

SCRIPTS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(SCRIPTS)
CNF = os.path.join(SCRIPTS, "pki.cnf")
TSA_CNF = os.path.join(SCRIPTS, "tsa.cnf")


def _state():
    state = os.environ.get("PODPIS_TESTBED_DIR") or os.path.join(REPO, ".testbed")
    return os.path.abspath(state).rstrip("/")


STATE = _state()
PKI = os.path.join(STATE, "pki")
OCSP_DIR = os.path.join(STATE, "ocsp")
CRL_PORT = int(os.environ.get("PODPIS_CRL_PORT") or 35982)
OCSP_PORT = int(os.environ.get("PODPIS_OCSP_PORT") or 35981)
CRL_BASE = "http://127.0.0.1:%d" % CRL_PORT
OCSP_URL = "http://127.0.0.1:%d" % OCSP_PORT
UTC = datetime.timezone.utc


def log(msg):
    sys.stderr.write("%s: %s\n" % (os.path.basename(sys.argv[0]), msg))
    sys.stderr.flush()


def now_hour():
    """The present, truncated to the hour (every matrix time is an offset
    from it)."""
    return datetime.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def days_ago(n, base=None):
    return (base or now_hour()) - datetime.timedelta(days=n)


def gen_time(t):
    """YYYYMMDDHHMMSSZ (openssl ca -startdate/-enddate)."""
    return t.strftime("%Y%m%d%H%M%SZ")


def utc_time(t):
    """YYMMDDHHMMSSZ (openssl ca index files)."""
    return t.strftime("%y%m%d%H%M%SZ")


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def env(issuer="ca", **extra):
    e = dict(os.environ)
    e.update({
        "OPENSSL_CONF": CNF,
        "PODPIS_PKI_CADB": extra.pop("cadb", os.path.join(PKI, "ca-db")),
        "PODPIS_PKI_CRL_BASE": CRL_BASE,
        "PODPIS_PKI_OCSP_URL": OCSP_URL,
        "PODPIS_PKI_ISSUER": issuer,
        "TZ": "UTC",
    })
    e.update(extra)
    return e


def run(cmd, at=None, issuer="ca", input=None, **extra):
    """Runs cmd (a list); with `at` (an aware datetime), under
    `faketime 'YYYY-MM-DD HH:MM:SS'` (UTC) so that openssl's clock starts
    there. Returns stdout (bytes); dies with openssl's stderr on failure."""
    if at is not None:
        cmd = ["faketime", at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")] + list(cmd)
    proc = subprocess.run(cmd, env=env(issuer, **extra), input=input, capture_output=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit("%s: command failed (%d): %s" % (os.path.basename(sys.argv[0]), proc.returncode, " ".join(cmd)))
    return proc.stdout


def genkeys(paths):
    """RSA-2048 keys (PKCS#8 PEM, mode 600) for every path that has none,
    in parallel."""
    def one(p):
        if os.path.exists(p):
            return
        run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", p + ".tmp"])
        os.chmod(p + ".tmp", 0o600)
        os.replace(p + ".tmp", p)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, paths))


def issue(out, key, subject, ext, start, end, issuer_cert=None, issuer_key=None, issuer_name="ca"):
    """Issues out (PEM, plus out minus .pem + .der) for key with `openssl ca`
    (the bench's shared database, random serial), signed by issuer_cert /
    issuer_key; without issuer_cert, self-signed by `key`."""
    csr = out + ".csr"
    run(["openssl", "req", "-new", "-utf8", "-key", key, "-subj", subject, "-out", csr])
    cmd = ["openssl", "ca", "-batch", "-notext", "-utf8", "-preserveDN", "-rand_serial",
           "-in", csr, "-extensions", ext, "-startdate", gen_time(start), "-enddate", gen_time(end), "-out", out]
    if issuer_cert:
        cmd += ["-cert", issuer_cert, "-keyfile", issuer_key]
    else:
        cmd += ["-selfsign", "-keyfile", key]
    run(cmd, issuer=issuer_name)
    os.remove(csr)
    run(["openssl", "x509", "-in", out, "-outform", "DER", "-out", out[:-4] + ".der"])


def cert_info(pem):
    """(serial as openssl prints it, notAfter datetime, subject in compat
    form, issuer hash)."""
    out = run(["openssl", "x509", "-in", pem, "-noout", "-serial", "-enddate", "-subject",
               "-issuer_hash", "-nameopt", "compat"]).decode()
    fields = {}
    lines = out.splitlines()
    for line in lines:
        if "=" in line:
            k, v = line.split("=", 1)
            fields.setdefault(k, v)
    not_after = datetime.datetime.strptime(fields["notAfter"], "%b %d %H:%M:%S %Y GMT").replace(tzinfo=UTC)
    return fields["serial"], not_after, fields["subject"], lines[-1].strip()


def subject_hash(pem):
    return run(["openssl", "x509", "-in", pem, "-noout", "-subject_hash"]).decode().strip()


def der_of(pem):
    return run(["openssl", "x509", "-in", pem, "-outform", "DER"])
