#!/usr/bin/python3
"""Test bench artefacts for signature verification (issue 21), generated
fresh into $STATE/pki by pki.sh and up.sh (never committed):

    verification.py generate   CAs beside the qualified CA, responders and
                               TSAs for past times, the time/revocation
                               matrix (pki/matrix, manifest.tsv), then the
                               trusted lists (trustedlist.py)
    verification.py crls       the current CRL of every bench CA into
                               pki/crl and pki/www (after pki.sh ocsp-index:
                               the qualified CA's CRL lists what the OCSP
                               index says is revoked)

Past moments are made with Debian's `faketime` around openssl (cms -sign
-cades, ts -reply, ocsp -index, ca -gencrl). The signature time-stamp of a
CAdES signature is added as an unsigned attribute with asn1crypto (Debian's
python3-asn1crypto). See testbed/README.md, "Verification artefacts"."""

import datetime
import hashlib
import os
import shutil
import sys
import tempfile

import benchpki as b
from benchpki import PKI, days_ago, run

VERIFY = os.path.join(PKI, "verify")
MATRIX = os.path.join(PKI, "matrix")
CRL_DIR = os.path.join(PKI, "crl")
WWW = os.path.join(PKI, "www")

ROOT = os.path.join(PKI, "root.pem")
ROOT_KEY = os.path.join(PKI, "root.key")
CA = os.path.join(PKI, "ca.pem")
CA_KEY = os.path.join(PKI, "ca.key")
CHAIN = os.path.join(PKI, "chain.pem")

# The intermediate CAs under the test root besides the qualified CA.
SUB_CAS = {
    "seal-ca": "/C=PL/O=Podpis Test/organizationIdentifier=VATPL-0000000000/CN=Podpis Test Qualified Seal CA",
    "withdrawn-ca": "/C=PL/O=Podpis Test/organizationIdentifier=VATPL-0000000000/CN=Podpis Test Withdrawn CA",
    "crlonly-ca": "/C=PL/O=Podpis Test/CN=Podpis Test CRL-only CA",
}
# Days before the present when the withdrawn CA's service was withdrawn in
# the test trusted list (trustedlist.py reads it from here).
WITHDRAWN_DAYS_AGO = 30


def p(*parts):
    return os.path.join(*parts)


def key_of(pem):
    return pem[:-4] + ".key"


# ---------------------------------------------------------------- certificates

def make_cas(n):
    """Sub-CAs, their end entities, past-valid responder/TSA certificates
    and the matrix signers. Returns {name: path} of everything issued."""
    os.makedirs(VERIFY, exist_ok=True)
    os.makedirs(MATRIX, exist_ok=True)
    start_long = datetime.datetime(2018, 1, 1, tzinfo=b.UTC)
    end_long = n + datetime.timedelta(days=730)
    c = {}
    names_verify = list(SUB_CAS) + ["sealca-seal", "withdrawn-person", "crlonly-person", "crlonly-revoked",
                                    "ocsp-noeku", "tsa-expired"]
    names_matrix = ["good", "revoked-before", "revoked-after", "suspended", "late", "unknown"]
    b.genkeys([p(VERIFY, x + ".key") for x in names_verify] + [p(MATRIX, x + ".key") for x in names_matrix])

    for name, subj in SUB_CAS.items():
        c[name] = p(VERIFY, name + ".pem")
        b.issue(c[name], key_of(c[name]), subj, "ext_sub_ca", datetime.datetime(2016, 1, 1, tzinfo=b.UTC),
                datetime.datetime(2040, 1, 1, tzinfo=b.UTC), ROOT, ROOT_KEY, "root")

    def ee(dirname, name, subj, ext, start, end, issuer="ca", key=None):
        out = p(dirname, name + ".pem")
        icert = CA if issuer == "ca" else c[issuer]
        k = key or p(dirname, name + ".key")
        b.issue(out, k, subj, ext, start, end, icert, key_of(icert), issuer)
        c[name] = out

    long_start = days_ago(400, n)
    ee(VERIFY, "sealca-seal", "/C=PL/O=Urząd Miasta Testowo/CN=Urząd Miasta Testowo/organizationIdentifier=VATPL-9876543210",
       "ext_seal_crl", long_start, end_long, "seal-ca")
    ee(VERIFY, "withdrawn-person", "/C=PL/CN=Zofia Kamińska/GN=Zofia/SN=Kamińska/serialNumber=PNOPL-82080855555",
       "ext_person_crl", long_start, end_long, "withdrawn-ca")
    ee(VERIFY, "crlonly-person", "/C=PL/CN=Adam Lis/GN=Adam/SN=Lis/serialNumber=PNOPL-77090966666",
       "ext_person_cdp_only", long_start, end_long, "crlonly-ca")
    ee(VERIFY, "crlonly-revoked", "/C=PL/CN=Beata Lis (revoked)/GN=Beata/SN=Lis/serialNumber=PNOPL-78101077777",
       "ext_person_cdp_only", long_start, end_long, "crlonly-ca")
    # The bench's own TSA and OCSP keys with certificates valid since 2018,
    # for tokens and responses made in the past (tsa.pem and ocsp.pem start
    # yesterday). Same key and subject as tsa.pem / ocsp.pem.
    ee(VERIFY, "tsa-past", "/C=PL/O=Podpis Test/CN=Podpis Test TSA", "ext_tsa", start_long, end_long,
       key=p(PKI, "tsa.key"))
    ee(VERIFY, "ocsp-past", "/C=PL/O=Podpis Test/CN=Podpis Test OCSP", "ext_ocsp", start_long, end_long,
       key=p(PKI, "ocsp.key"))
    ee(VERIFY, "ocsp-noeku", "/C=PL/O=Podpis Test/CN=Podpis Test OCSP without OCSPSigning", "ext_ocsp_noeku",
       long_start, end_long)
    ee(VERIFY, "tsa-expired", "/C=PL/O=Podpis Test/CN=Podpis Test Expired TSA", "ext_tsa",
       long_start, days_ago(100, n))

    signer_end = n + datetime.timedelta(days=400)
    people = {
        "good": "/C=PL/CN=Olga Matrix (good)/GN=Olga/SN=Matrix/serialNumber=PNOPL-60010100001",
        "revoked-before": "/C=PL/CN=Robert Matrix (revoked before)/GN=Robert/SN=Matrix/serialNumber=PNOPL-60010100002",
        "revoked-after": "/C=PL/CN=Rita Matrix (revoked after)/GN=Rita/SN=Matrix/serialNumber=PNOPL-60010100003",
        "suspended": "/C=PL/CN=Stefan Matrix (suspended)/GN=Stefan/SN=Matrix/serialNumber=PNOPL-60010100004",
        "unknown": "/C=PL/CN=Urszula Matrix (unknown)/GN=Urszula/SN=Matrix/serialNumber=PNOPL-60010100006",
    }
    for name, subj in people.items():
        ee(MATRIX, name, subj, "ext_person", long_start, signer_end)
    ee(MATRIX, "late", "/C=PL/CN=Leon Matrix (late)/GN=Leon/SN=Matrix/serialNumber=PNOPL-60010100005",
       "ext_person", days_ago(100, n), signer_end)
    for f in os.listdir(VERIFY) + os.listdir(MATRIX):
        if f.endswith(".key"):
            for d in (VERIFY, MATRIX):
                if os.path.exists(p(d, f)):
                    os.chmod(p(d, f), 0o600)
    return c


# ---------------------------------------------------------------- revocation

class Event:
    """A revocation: `cert` revoked at `at` for `reason`; a certificateHold
    ends at `released` (the certificate is then valid again)."""

    def __init__(self, cert, at, reason, released=None):
        self.cert, self.at, self.reason, self.released = cert, at, reason, released

    def active(self, t):
        return self.at <= t and (self.released is None or t < self.released)


def index_lines(certs, events, t, released_reason=None):
    """openssl ca index lines for `certs` at time t: R for an active event,
    V otherwise. With released_reason, a certificateHold that ended before t
    is listed with that reason (removeFromCRL) instead of V."""
    lines = []
    for cert in certs:
        serial, not_after, subj, _ = b.cert_info(cert)
        ev = next((e for e in events if e.cert == cert), None)
        exp = b.utc_time(min(not_after, datetime.datetime(2049, 12, 31, tzinfo=b.UTC)))
        if ev is not None and ev.active(t):
            lines.append("R\t%s\t%s,%s\t%s\tunknown\t%s" % (exp, b.utc_time(ev.at), ev.reason, serial, subj))
        elif ev is not None and released_reason and ev.released is not None and ev.released <= t:
            lines.append("R\t%s\t%s,%s\t%s\tunknown\t%s" % (exp, b.utc_time(ev.released), released_reason, serial, subj))
        else:
            lines.append("V\t%s\t\t%s\tunknown\t%s" % (exp, serial, subj))
    return lines


def write_index(dirname, lines):
    os.makedirs(dirname, exist_ok=True)
    with open(p(dirname, "index.txt"), "w") as f:
        f.write("".join(line + "\n" for line in lines))
    with open(p(dirname, "index.txt.attr"), "w") as f:
        f.write("unique_subject = no\n")
    return p(dirname, "index.txt")


def gencrl(out_der, ca_pem, lines, at=None, hours=168):
    """A CRL of ca_pem listing the R lines, made at `at` (faketime; None =
    now), nextUpdate `hours` later; DER into out_der."""
    with tempfile.TemporaryDirectory() as tmp:
        write_index(tmp, lines)
        t = at or datetime.datetime.now(b.UTC)
        with open(p(tmp, "crlnumber"), "w") as f:
            f.write("%X\n" % (int(t.timestamp()) // 60 * 16))
        issuer = os.path.basename(ca_pem)[:-4]
        run(["openssl", "ca", "-gencrl", "-cert", ca_pem, "-keyfile", key_of(ca_pem), "-crlhours", str(hours),
             "-out", p(tmp, "crl.pem")], at=at, issuer=issuer, cadb=tmp)
        run(["openssl", "crl", "-in", p(tmp, "crl.pem"), "-outform", "DER", "-out", out_der])


def ocsp_response(out, cert, lines, at, rsigner, rkey, issuer=CA, other=None):
    """The DER OCSPResponse the index `lines` gives for `cert` at `at`,
    signed by rsigner (thisUpdate = producedAt = at, nextUpdate + 1 day)."""
    with tempfile.TemporaryDirectory() as tmp:
        idx = write_index(tmp, lines)
        run(["openssl", "ocsp", "-issuer", issuer, "-cert", cert, "-no_nonce", "-reqout", p(tmp, "req.der")])
        cmd = ["openssl", "ocsp", "-index", idx, "-CA", issuer, "-rsigner", rsigner, "-rkey", rkey,
               "-reqin", p(tmp, "req.der"), "-respout", out, "-ndays", "1"]
        for o in other or []:
            cmd += ["-rother", o]
        run(cmd, at=at)


# ---------------------------------------------------------------- CAdES

CONTENT = "Podpis test bench: a document signed in the verification matrix.\n"


def cades_sign(out, signer, at, certfile=CA):
    """Attached CAdES-BASELINE-B (signing-certificate-v2, signing-time = at)."""
    run(["openssl", "cms", "-sign", "-cades", "-binary", "-md", "sha256", "-nodetach",
         "-in", p(MATRIX, "content.txt"), "-signer", signer, "-inkey", key_of(signer), "-certfile", certfile,
         "-outform", "DER", "-out", out], at=at)


def timestamp(out_tst, digest, at, tsa_cert, tsa_key):
    """A DER time-stamp token (ContentInfo) over the SHA-256 `digest`, made
    at `at` by the given TSA key with the bench's tsa.cnf."""
    with tempfile.TemporaryDirectory() as tmp:
        run(["openssl", "ts", "-query", "-digest", digest.hex(), "-sha256", "-cert", "-no_nonce",
             "-out", p(tmp, "q.tsq")])
        serial = p(MATRIX, "tsa-serial")
        if not os.path.exists(serial):
            with open(serial, "w") as f:
                f.write("1000\n")
        run(["openssl", "ts", "-reply", "-config", b.TSA_CNF, "-section", "podpis_tsa", "-queryfile", p(tmp, "q.tsq"),
             "-signer", tsa_cert, "-inkey", tsa_key, "-chain", CHAIN, "-token_out", "-out", out_tst],
            at=at, PODPIS_TSA_SERIAL=serial)


def add_signature_timestamp(p7s, tst_out, at, tsa_cert, tsa_key):
    """Time-stamps the signature value of the (only) SignerInfo of p7s and
    adds the token as the unsigned attribute id-aa-signatureTimeStampToken
    (1.2.840.113549.1.9.16.2.14): B-B becomes B-T."""
    from asn1crypto import cms
    with open(p7s, "rb") as f:
        ci = cms.ContentInfo.load(f.read())
    sd = ci["content"]
    si = sd["signer_infos"][0]
    timestamp(tst_out, hashlib.sha256(si["signature"].native).digest(), at, tsa_cert, tsa_key)
    with open(tst_out, "rb") as f:
        token = cms.ContentInfo.load(f.read())
    si["unsigned_attrs"] = cms.CMSAttributes([
        cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]})])
    sd["signer_infos"] = cms.SignerInfos([si])
    ci["content"] = sd
    with open(p7s, "wb") as f:
        f.write(ci.dump())


# ---------------------------------------------------------------- the matrix

def make_matrix(n, c):
    """Signatures, tokens, CRLs and OCSP responses at chosen times, and
    manifest.tsv. Returns the index lines (at the present) of the matrix
    certificates for the live OCSP responder."""
    for d in ("crl", "ocsp", "tokens"):
        os.makedirs(p(MATRIX, d), exist_ok=True)
    with open(p(MATRIX, "content.txt"), "w") as f:
        f.write(CONTENT)
    shutil.copy(ROOT, p(MATRIX, "trust-anchor.pem"))
    m = {x: p(MATRIX, x + ".pem") for x in ("good", "revoked-before", "revoked-after", "suspended", "late", "unknown")}
    expired = p(PKI, "expired.pem")
    tsa_past, tsa_key = c["tsa-past"], p(PKI, "tsa.key")
    tsa_exp = c["tsa-expired"]
    ocsp_past, ocsp_key = c["ocsp-past"], p(PKI, "ocsp.key")

    D = lambda x: days_ago(x, n)  # noqa: E731
    M = datetime.timedelta(minutes=5)
    events = [
        Event(m["revoked-before"], D(200), "keyCompromise"),
        Event(m["revoked-after"], D(200), "cessationOfOperation"),
        Event(m["suspended"], D(220), "certificateHold", released=D(180)),
    ]
    # Every certificate the qualified CA's past indexes know (not "unknown").
    known = [m[x] for x in ("good", "revoked-before", "revoked-after", "suspended", "late")] + [expired]
    idx = lambda t, rr=None: index_lines(known, events, t, rr)  # noqa: E731

    rows = []

    def row(file, kind, signer, signed, ts, revocation, indication, sub, qual, note):
        rows.append([file, kind, signer, b.iso(signed) if signed else "-", b.iso(ts) if ts else "-",
                     " ".join(revocation) or "-", indication, sub, qual, note])

    def sig(name, signer, at, tsa=None, ts_at=None, certfile=CA):
        out = p(MATRIX, name + ".p7s")
        cades_sign(out, signer, at, certfile)
        if tsa:
            add_signature_timestamp(out, p(MATRIX, "tokens", name + ".tst"), ts_at, tsa[0], tsa[1])
        return os.path.relpath(out, MATRIX)

    past = (tsa_past, tsa_key)
    log = b.log
    log("matrix: signatures, tokens, CRLs and OCSP responses at past times (faketime)")

    # CRLs of the qualified CA at chosen moments.
    crls = {
        "crl/ca-d300.crl": D(300) + datetime.timedelta(hours=1),
        "crl/ca-d249.crl": D(249),
        "crl/ca-hold.crl": D(210) + datetime.timedelta(hours=1),
        "crl/ca-released.crl": D(170),
        "crl/ca-2019.crl": datetime.datetime(2019, 6, 2, tzinfo=b.UTC),
    }
    for f, t in crls.items():
        gencrl(p(MATRIX, f), CA, idx(t), at=t)
    gencrl(p(MATRIX, "crl/ca-released-removefromcrl.crl"), CA, idx(D(170), "removeFromCRL"), at=D(170))
    for name in ("withdrawn-ca", "crlonly-ca", "seal-ca"):
        gencrl(p(MATRIX, "crl", name + "-d5.crl"), c[name], [], at=D(5))

    # OCSP responses (DER) at chosen moments, by the delegated responder
    # valid since 2018 unless said otherwise.
    O = lambda f, cert, t, signer=(ocsp_past, ocsp_key), lines=None: ocsp_response(  # noqa: E731
        p(MATRIX, "ocsp", f), cert, idx(t) if lines is None else lines, t, signer[0], signer[1],
        other=[CA] if signer[0] != CA else None)
    O("good-d300.der", m["good"], D(300) + 2 * M)
    O("good-d300-by-ca.der", m["good"], D(300) + 2 * M, signer=(CA, CA_KEY))
    O("good-d300-unauthorised.der", m["good"], D(300) + 2 * M, signer=(c["ocsp-noeku"], key_of(c["ocsp-noeku"])))
    O("other-serial-d300.der", m["good"], D(300) + 2 * M)
    O("unknown-d300.der", m["unknown"], D(300) + 2 * M)
    O("revoked-before-d150.der", m["revoked-before"], D(150) + 2 * M)
    O("revoked-after-d250.der", m["revoked-after"], D(250) + 2 * M)
    O("revoked-after-d150.der", m["revoked-after"], D(150) + 2 * M)
    O("suspended-hold.der", m["suspended"], D(210) + 2 * M)
    O("suspended-released.der", m["suspended"], D(170))
    O("late-d150.der", m["late"], D(150) + 2 * M)
    O("expired-2019.der", expired, datetime.datetime(2019, 6, 1, 12, 10, tzinfo=b.UTC))
    O("good-d300-d150.der", m["good"], D(150) + 2 * M)

    # Signatures.
    TP, FAILED, INDET = "TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE"
    s = sig("good-bt", m["good"], D(300), past, D(300) + M)
    row(s, "CAdES-B-T", "good", D(300), D(300) + M, ["ocsp/good-d300.der"], TP, "-", "QESig",
        "control: valid signer, time-stamp, fresh OCSP")
    row(s, "CAdES-B-T", "good", D(300), D(300) + M, ["crl/ca-d300.crl"], TP, "-", "QESig",
        "control with a CRL instead of OCSP")
    row(s, "CAdES-B-T", "good", D(300), D(300) + M, ["ocsp/good-d300-by-ca.der"], TP, "-", "QESig",
        "OCSP signed by the CA itself (authorised)")
    row(s, "CAdES-B-T", "good", D(300), D(300) + M, ["ocsp/good-d300-unauthorised.der"], INDET, "TRY_LATER", "*",
        "OCSP signed by a certificate without id-kp-OCSPSigning: ignored (offline)")
    s2 = sig("revoked-after-bt", m["revoked-after"], D(250), past, D(250) + M)
    row(s2, "CAdES-B-T", "revoked-after", D(250), D(250) + M, ["ocsp/other-serial-d300.der"], INDET, "TRY_LATER", "*",
        "OCSP response for another serial (good.pem's): ignored (offline)")
    row(s2, "CAdES-B-T", "revoked-after", D(250), D(250) + M, ["ocsp/revoked-after-d150.der"], TP, "-", "QESig",
        "revoked (cessationOfOperation) at D-200, after the time-stamp at D-250")
    row(s2, "CAdES-B-T", "revoked-after", D(250), D(250) + M, ["crl/ca-released.crl"], TP, "-", "QESig",
        "the same with the CRL of D-170 (lists it, revoked D-200)")
    s = sig("revoked-after-bb", m["revoked-after"], D(250))
    row(s, "CAdES-B-B", "revoked-after", D(250), None, ["ocsp/revoked-after-d150.der"], INDET, "REVOKED_NO_POE", "*",
        "no time-stamp: nothing proves the signature existed before the revocation")
    s = sig("revoked-before-bb", m["revoked-before"], D(150))
    row(s, "CAdES-B-B", "revoked-before", D(150), None, ["ocsp/revoked-before-d150.der"], "%s|%s" % (INDET, FAILED),
        "REVOKED_NO_POE|REVOKED", "*", "revoked (keyCompromise) at D-200, signed at D-150")
    s = sig("revoked-before-bt", m["revoked-before"], D(150), past, D(150) + M)
    row(s, "CAdES-B-T", "revoked-before", D(150), D(150) + M, ["ocsp/revoked-before-d150.der"], "%s|%s" % (FAILED, INDET),
        "REVOKED|REVOKED_NO_POE", "*", "time-stamp after the revocation")
    row(s, "CAdES-B-T", "revoked-before", D(150), D(150) + M, ["crl/ca-released.crl"], "%s|%s" % (FAILED, INDET),
        "REVOKED|REVOKED_NO_POE", "*", "the same with the CRL of D-170")
    s = sig("suspended-bt", m["suspended"], D(210), past, D(210) + M)
    row(s, "CAdES-B-T", "suspended", D(210), D(210) + M, ["crl/ca-hold.crl"], INDET, "*", "*",
        "on hold (certificateHold D-220 .. D-180) at signing time; CRL of D-210 lists the hold")
    row(s, "CAdES-B-T", "suspended", D(210), D(210) + M, ["ocsp/suspended-hold.der"], INDET, "*", "*",
        "the same with OCSP (revoked, reason certificateHold)")
    row(s, "CAdES-B-T", "suspended", D(210), D(210) + M, ["crl/ca-released.crl", "ocsp/suspended-released.der"], TP, "-",
        "QESig", "only data from after the release (D-180): not listed / good; the hold is invisible")
    row(s, "CAdES-B-T", "suspended", D(210), D(210) + M, ["crl/ca-released-removefromcrl.crl"], TP, "-",
        "QESig", "the CRL of D-170 with a removeFromCRL entry for it (as in a delta CRL)")
    t19, ts19 = datetime.datetime(2019, 6, 1, 12, 0, tzinfo=b.UTC), datetime.datetime(2019, 6, 1, 12, 5, tzinfo=b.UTC)
    s = sig("expired-bt", expired, t19, past, ts19)
    row(s, "CAdES-B-T", "expired", t19, ts19, ["crl/ca-2019.crl"], TP, "-", "QESig",
        "expired.pem (2019-01-01..2020-01-01) with a time-stamp made while it was valid")
    row(s, "CAdES-B-T", "expired", t19, ts19, ["ocsp/expired-2019.der"], TP, "-", "QESig",
        "the same with the OCSP response of 2019-06-01")
    s = sig("expired-bb", expired, t19)
    row(s, "CAdES-B-B", "expired", t19, None, ["crl/ca-2019.crl"], INDET,
        "OUT_OF_BOUNDS_NO_POE|OUT_OF_BOUNDS_NOT_REVOKED", "*", "expired, no time-stamp")
    s = sig("tsa-expired-bt", m["good"], D(300), (tsa_exp, key_of(tsa_exp)), D(300) + M)
    row(s, "CAdES-B-T", "good", D(300), D(300) + M, ["ocsp/good-d300.der"], TP, "-", "QESig",
        "its time-stamp is by tsa-expired (valid D-400..D-100): the token alone is not PASSED (next row), "
        "the signature is, its signer being valid now")
    row("tokens/tsa-expired-bt.tst", "timestamp-token", "tsa-expired", None, D(300) + M, [], INDET,
        "OUT_OF_BOUNDS_NO_POE|OUT_OF_BOUNDS_NOT_REVOKED|EXPIRED", "-",
        "a token made while the TSA certificate was valid, validated now (TSA certificate expired)")
    s = sig("late-bt", m["late"], D(150), past, D(150) + M)
    row(s, "CAdES-B-T", "late", D(150), D(150) + M, ["ocsp/late-d150.der"], "%s|%s" % (INDET, FAILED),
        "NOT_YET_VALID|TIMESTAMP_ORDER_FAILURE", "*", "signing time and time-stamp (D-150) before notBefore (D-100)")
    s = sig("unknown-bt", m["unknown"], D(300), past, D(300) + M)
    row(s, "CAdES-B-T", "unknown", D(300), D(300) + M, ["ocsp/unknown-d300.der"], "!" + TP, "*", "*",
        "OCSP answers unknown (the serial is in no index)")
    # The withdrawn CA/QC: the qualification changes at the withdrawal date,
    # the indication does not.
    wd = days_ago(WITHDRAWN_DAYS_AGO, n)
    s = sig("withdrawn-before-bt", c["withdrawn-person"], D(60), past, D(60) + M, certfile=c["withdrawn-ca"])
    row(s, "CAdES-B-T", "withdrawn-person", D(60), D(60) + M, ["crl/withdrawn-ca-d5.crl"], TP, "-", "QESig",
        "CA/QC service withdrawn at %s in the test TL: signed before" % b.iso(wd))
    s = sig("withdrawn-after-bt", c["withdrawn-person"], D(10), past, D(10) + M, certfile=c["withdrawn-ca"])
    row(s, "CAdES-B-T", "withdrawn-person", D(10), D(10) + M, ["crl/withdrawn-ca-d5.crl"], TP, "-", "!QESig",
        "CA/QC service withdrawn at %s in the test TL: signed after" % b.iso(wd))
    s = sig("sealca-seal-bt", c["sealca-seal"], D(10), past, D(10) + M, certfile=c["seal-ca"])
    row(s, "CAdES-B-T", "sealca-seal", D(10), D(10) + M, ["crl/seal-ca-d5.crl"], TP, "-", "QESeal",
        "seal issued by the seal CA (CA/QC with QCForESeal)")
    s = sig("crlonly-bt", c["crlonly-person"], D(10), past, D(10) + M, certfile=c["crlonly-ca"])
    row(s, "CAdES-B-T", "crlonly-person", D(10), D(10) + M, ["crl/crlonly-ca-d5.crl"], TP, "-", "*",
        "CRL-only CA (no AIA, CDP only); the CA is in no trusted list: qualification not QESig")

    header = ["file", "kind", "signer", "signing_time", "timestamp_time", "revocation", "indication",
              "subindication", "qualification", "note"]
    with open(p(MATRIX, "manifest.tsv"), "w") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            assert all("\t" not in x and "\n" not in x for x in r)
            f.write("\t".join(r) + "\n")
    with open(p(MATRIX, "times.tsv"), "w") as f:
        f.write("name\ttime\n")
        f.write("generated\t%s\n" % b.iso(n))
        f.write("withdrawn\t%s\n" % b.iso(wd))
        for e in events:
            f.write("%s-%s\t%s\n" % (os.path.basename(e.cert)[:-4], e.reason, b.iso(e.at)))
            if e.released:
                f.write("%s-released\t%s\n" % (os.path.basename(e.cert)[:-4], b.iso(e.released)))
    log("matrix: %d manifest rows in %s" % (len(rows), p(MATRIX, "manifest.tsv")))
    # For the live OCSP responder and the current CRL: the matrix signers as
    # they stand now, and the certificates issued here by the qualified CA.
    # (expired.pem is in $PKI_DIR: ocsp-index lists it already.)
    now_lines = index_lines([x for x in known if x != expired], events, datetime.datetime.now(b.UTC))
    return now_lines + index_lines(
        [c["tsa-past"], c["ocsp-past"], c["ocsp-noeku"], c["tsa-expired"]], [], n)


# ---------------------------------------------------------------- current CRLs

def do_crls():
    """Current CRLs (lastUpdate now, nextUpdate + 7 days) of the root, the
    qualified CA (its R lines of the OCSP index) and the other CAs, as DER
    in pki/crl and, with every CA certificate as NAME.cer, in pki/www."""
    os.makedirs(CRL_DIR, exist_ok=True)
    os.makedirs(WWW, exist_ok=True)
    with open(p(b.OCSP_DIR, "index.txt")) as f:
        ca_lines = [line.rstrip("\n") for line in f if line.strip()]
    gencrl(p(CRL_DIR, "ca.crl"), CA, ca_lines)
    gencrl(p(CRL_DIR, "root.crl"), ROOT, [])
    for name in SUB_CAS:
        idx = p(VERIFY, name + "-index.txt")
        lines = []
        if os.path.exists(idx):
            with open(idx) as f:
                lines = [line.rstrip("\n") for line in f if line.strip()]
        gencrl(p(CRL_DIR, name + ".crl"), p(VERIFY, name + ".pem"), lines)
    for f in os.listdir(CRL_DIR):
        shutil.copy(p(CRL_DIR, f), p(WWW, f + ".tmp"))
        os.replace(p(WWW, f + ".tmp"), p(WWW, f))
    for name, pem in [("root", ROOT), ("ca", CA)] + [(x, p(VERIFY, x + ".pem")) for x in SUB_CAS]:
        with open(p(WWW, name + ".cer"), "wb") as f:
            f.write(b.der_of(pem))
    b.log("current CRLs in %s, served from %s" % (CRL_DIR, WWW))


def do_generate():
    n = b.now_hour()
    for d in (VERIFY, MATRIX):
        shutil.rmtree(d, ignore_errors=True)
    c = make_cas(n)
    # The CRL-only CA revokes one of its two certificates (a day ago).
    lines = index_lines([c["crlonly-person"], c["crlonly-revoked"]],
                        [Event(c["crlonly-revoked"], days_ago(1, n), "keyCompromise")], n)
    with open(p(VERIFY, "crlonly-ca-index.txt"), "w") as f:
        f.write("".join(x + "\n" for x in lines))
    for name, ee in (("seal-ca", "sealca-seal"), ("withdrawn-ca", "withdrawn-person")):
        with open(p(VERIFY, name + "-index.txt"), "w") as f:
            f.write("".join(x + "\n" for x in index_lines([c[ee]], [], n)))
    ca_lines = make_matrix(n, c)
    # pki.sh ocsp-index appends these to the live responder's index.
    with open(p(VERIFY, "ca-status.txt"), "w") as f:
        f.write("".join(x + "\n" for x in ca_lines))
    import trustedlist
    trustedlist.generate(n, c)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("generate", "crls"):
        sys.stderr.write("usage: verification.py generate | crls\n")
        sys.exit(2)
    if sys.argv[1] == "generate":
        do_generate()
    else:
        do_crls()


if __name__ == "__main__":
    main()
