"""A test trusted list (ETSI TS 119 612 v2.4.1) for the bench's test QTSP
and a test list of trusted lists (LOTL) pointing at it, into $STATE/pki/tl.
Called by verification.py generate (not run directly).

The XML is built with xml.etree.ElementTree; each list is signed by its own
test operator key with `xmlsec1 --sign` (enveloped signature over URI="",
enveloped-signature + exclusive C14N, RSA-SHA256, the operator certificate
in KeyInfo/X509Data), then checked with `xmllint --schema` (the schemas in
/work/shared/conformance/schemas, or PODPIS_TL_SCHEMA_DIR) and
`xmlsec1 --verify`. Broken variants: expired, bad signature, TL signed by a
key the LOTL does not announce, LOTL signed by a key that is not pinned."""

import base64
import datetime
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import benchpki as b
from benchpki import PKI, days_ago, run

TL_DIR = os.path.join(PKI, "tl")
SCHEMA_DIR = os.environ.get("PODPIS_TL_SCHEMA_DIR") or os.path.join(
    os.path.dirname(b.REPO.rstrip("/")), "shared", "conformance", "schemas")
if not os.path.isdir(SCHEMA_DIR):
    SCHEMA_DIR = "/work/shared/conformance/schemas"

TSL = "http://uri.etsi.org/02231/v2#"
DS = "http://www.w3.org/2000/09/xmldsig#"
TSLX = "http://uri.etsi.org/02231/v2/additionaltypes#"
ECC = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
for prefix, uri in (("tsl", TSL), ("ds", DS), ("tslx", TSLX), ("ecc", ECC), ("xades", XADES)):
    ET.register_namespace(prefix, uri)

SVC = "http://uri.etsi.org/TrstSvc/Svctype/"
STATUS = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
SIE = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
QCP_N = "0.4.0.194112.1.0"
QCP_N_QSCD = "0.4.0.194112.1.2"
QCP_L_QSCD = "0.4.0.194112.1.3"

TL_NAME = "PL-TEST-TL.xml"
LOTL_NAME = "EU-TEST-LOTL.xml"


def t(tag, ns=TSL):
    return "{%s}%s" % (ns, tag)


def sub(parent, tag, text=None, ns=TSL, **attrs):
    e = ET.SubElement(parent, t(tag, ns), attrs)
    if text is not None:
        e.text = text
    return e


def names(parent, tag, en, pl=None, ns=TSL):
    e = sub(parent, tag, ns=ns)
    sub(e, "Name", en).set(XML_LANG, "en")
    if pl:
        sub(e, "Name", pl).set(XML_LANG, "pl")
    return e


def uris(parent, tag, *values, ns=TSL):
    e = sub(parent, tag, ns=ns)
    for v in values:
        sub(e, "URI", v).set(XML_LANG, "en")
    return e


def address(parent, tag):
    a = sub(parent, tag)
    pa = sub(sub(a, "PostalAddresses"), "PostalAddress")
    pa.set(XML_LANG, "en")
    sub(pa, "StreetAddress", "ul. Testowa 1")
    sub(pa, "Locality", "Testowo")
    sub(pa, "PostalCode", "00-001")
    sub(pa, "CountryName", "PL")
    uris(a, "ElectronicAddress", "mailto:podpis-test@example.com", "https://example.com/podpis-test")
    return a


def cert_b64(pem):
    return base64.b64encode(b.der_of(pem)).decode()


def digital_identity(parent, tag, pems):
    sdi = sub(parent, tag)
    for pem in pems:
        sub(sub(sdi, "DigitalId"), "X509Certificate", cert_b64(pem))
    return sdi


def qualifications(parent, elements):
    """elements: [(qualifier URIs, policy OIDs)]: one QualificationElement
    each, the criteria = certificatePolicies contain one of the OIDs."""
    ext = sub(parent, "Extension", Critical="true")
    q = sub(ext, "Qualifications", ns=ECC)
    for quals, policies in elements:
        qe = sub(q, "QualificationElement", ns=ECC)
        qs = sub(qe, "Qualifiers", ns=ECC)
        for uri in quals:
            sub(qs, "Qualifier", ns=ECC, uri=SIE + uri)
        cl = sub(qe, "CriteriaList", ns=ECC)
        cl.set("assert", "atLeastOne")
        ps = sub(cl, "PolicySet", ns=ECC)
        for oid in policies:
            sub(sub(ps, "PolicyIdentifier", ns=ECC), "Identifier", oid, ns=XADES)


def additional_info(parent, *what):
    for w in what:
        ext = sub(parent, "Extension", Critical="false")
        asi = sub(ext, "AdditionalServiceInformation")
        sub(asi, "URI", SIE + w).set(XML_LANG, "en")


def service_body(parent, stype, name, pems, status, since, extensions=None):
    sub(parent, "ServiceTypeIdentifier", SVC + stype)
    names(parent, "ServiceName", name)
    digital_identity(parent, "ServiceDigitalIdentity", pems)
    sub(parent, "ServiceStatus", STATUS + status)
    sub(parent, "StatusStartingTime", b.iso(since))
    if extensions:
        sie = sub(parent, "ServiceInformationExtensions")
        extensions(sie)


def service(services, stype, name, pems, status, since, extensions=None, history=()):
    svc = sub(services, "TSPService")
    service_body(sub(svc, "ServiceInformation"), stype, name, pems, status, since, extensions)
    if history:
        h = sub(svc, "ServiceHistory")
        for (hstatus, hsince) in history:
            service_body(sub(h, "ServiceHistoryInstance"), stype, name, pems, hstatus, hsince, extensions)


def scheme_information(root, seq, tsl_type, territory, operator, scheme_name, issued, next_update,
                       rules, pointers=None):
    si = sub(root, "SchemeInformation")
    sub(si, "TSLVersionIdentifier", "6")
    sub(si, "TSLSequenceNumber", str(seq))
    sub(si, "TSLType", tsl_type)
    names(si, "SchemeOperatorName", operator)
    address(si, "SchemeOperatorAddress")
    names(si, "SchemeName", scheme_name)
    uris(si, "SchemeInformationURI", "https://example.com/podpis-test/scheme")
    sub(si, "StatusDeterminationApproach", "http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate")
    uris(si, "SchemeTypeCommunityRules", *rules)
    sub(si, "SchemeTerritory", territory)
    pol = sub(si, "PolicyOrLegalNotice")
    sub(pol, "TSLLegalNotice", "Test list of the Podpis test bench. Not for production.").set(XML_LANG, "en")
    sub(si, "HistoricalInformationPeriod", "65535")
    if pointers is not None:
        pointers(sub(si, "PointersToOtherTSL"))
    sub(si, "ListIssueDateTime", b.iso(issued))
    sub(sub(si, "NextUpdate"), "dateTime", b.iso(next_update))
    return si


def signature_template(root):
    """An empty enveloped ds:Signature for xmlsec1 to fill."""
    sig = sub(root, "Signature", ns=DS, Id="signature")
    si = sub(sig, "SignedInfo", ns=DS)
    sub(si, "CanonicalizationMethod", ns=DS, Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    sub(si, "SignatureMethod", ns=DS, Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    ref = sub(si, "Reference", ns=DS, URI="")
    tr = sub(ref, "Transforms", ns=DS)
    sub(tr, "Transform", ns=DS, Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    sub(tr, "Transform", ns=DS, Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    sub(ref, "DigestMethod", ns=DS, Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    sub(ref, "DigestValue", "", ns=DS)
    sub(sig, "SignatureValue", "", ns=DS)
    sub(sub(sig, "KeyInfo", ns=DS), "X509Data", ns=DS)


def sign_and_check(root, out, key, cert):
    """Writes root (with a signature template) to out, signed by key/cert;
    checks it against the schema and with xmlsec1 --verify."""
    signature_template(root)
    with tempfile.TemporaryDirectory() as tmp:
        tpl = os.path.join(tmp, "tpl.xml")
        ET.ElementTree(root).write(tpl, encoding="UTF-8", xml_declaration=True)
        run(["xmlsec1", "--sign", "--privkey-pem", "%s,%s" % (key, cert), "--output", out + ".tmp", tpl])
    os.replace(out + ".tmp", out)
    validate(out)
    verify(out, cert)


def validate(path):
    run(["xmllint", "--nonet", "--noout", "--schema", os.path.join(SCHEMA_DIR, "ts_119612v020401_xsd.xsd"), path],
        XML_CATALOG_FILES=os.path.join(SCHEMA_DIR, "catalog.xml"))


def verify(path, cert, expect_ok=True):
    proc = subprocess.run(["xmlsec1", "--verify", "--trusted-pem", cert, path], capture_output=True)
    if (proc.returncode == 0) != expect_ok:
        raise SystemExit("trustedlist.py: xmlsec1 --verify %s: %s, expected %s\n%s" % (
            path, "OK" if proc.returncode == 0 else "FAIL", "OK" if expect_ok else "FAIL",
            proc.stderr.decode(errors="replace")))


def build_tl(n, c, issued, next_update, seq):
    root = ET.Element(t("TrustServiceStatusList"), {"Id": "tsl", "TSLTag": "http://uri.etsi.org/19612/TSLTag"})
    scheme_information(root, seq, "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric", "PL",
                       "Podpis Test Supervisory Body", "PL: Podpis test trusted list", issued, next_update,
                       ["http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUcommon",
                        "http://uri.etsi.org/TrstSvc/TrustedList/schemerules/PL"])
    tsp = sub(sub(root, "TrustServiceProviderList"), "TrustServiceProvider")
    info = sub(tsp, "TSPInformation")
    names(info, "TSPName", "Podpis Test QTSP", "Podpis Test QTSP")
    names(info, "TSPTradeName", "VATPL-0000000000")
    address(info, "TSPAddress")
    uris(info, "TSPInformationURI", "https://example.com/podpis-test/qtsp")
    services = sub(tsp, "TSPServices")
    since = datetime.datetime(2016, 1, 1, tzinfo=b.UTC)
    ca = os.path.join(PKI, "ca.pem")

    def person_ca(sie):
        qualifications(sie, [(["QCForESig", "QCWithQSCD"], [QCP_N_QSCD]),
                             (["QCForESig", "QCNoQSCD"], [QCP_N]),
                             (["QCForESeal", "QCWithQSCD"], [QCP_L_QSCD])])
        additional_info(sie, "ForeSignatures", "ForeSeals")

    service(services, "CA/QC", "Podpis Test Qualified CA", [ca], "granted", since, person_ca)

    def seal_ca(sie):
        qualifications(sie, [(["QCForESeal", "QCWithQSCD"], [QCP_L_QSCD])])
        additional_info(sie, "ForeSeals")

    service(services, "CA/QC", "Podpis Test Qualified Seal CA", [c["seal-ca"]], "granted", since, seal_ca)

    def withdrawn_ca(sie):
        qualifications(sie, [(["QCForESig", "QCWithQSCD"], [QCP_N_QSCD])])
        additional_info(sie, "ForeSignatures")

    import verification
    service(services, "CA/QC", "Podpis Test Withdrawn CA", [c["withdrawn-ca"]], "withdrawn",
            days_ago(verification.WITHDRAWN_DAYS_AGO, n), withdrawn_ca, history=[("granted", since)])
    service(services, "TSA/QTST", "Podpis Test TSA", [os.path.join(PKI, "tsa.pem"), c["tsa-past"]], "granted", since)
    service(services, "TSA/QTST", "Podpis Test Expired TSA", [c["tsa-expired"]], "granted", since)
    return root


def build_lotl(tl_signer, lotl_signer, issued, next_update, seq, tl_url, lotl_url):
    root = ET.Element(t("TrustServiceStatusList"), {"Id": "lotl", "TSLTag": "http://uri.etsi.org/19612/TSLTag"})
    lotl_type = "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists"

    def pointer(ptrs, signer, location, tsl_type, territory, operator, rules):
        ptr = sub(ptrs, "OtherTSLPointer")
        digital_identity(sub(ptr, "ServiceDigitalIdentities"), "ServiceDigitalIdentity", [signer])
        sub(ptr, "TSLLocation", location)
        ai = sub(ptr, "AdditionalInformation")
        sub(sub(ai, "OtherInformation"), "TSLType", tsl_type)
        sub(sub(ai, "OtherInformation"), "SchemeTerritory", territory)
        sub(sub(ai, "OtherInformation"), "MimeType", "application/vnd.etsi.tsl+xml", ns=TSLX)
        names(sub(ai, "OtherInformation"), "SchemeOperatorName", operator)
        uris(sub(ai, "OtherInformation"), "SchemeTypeCommunityRules", *rules)

    def pointers(ptrs):
        pointer(ptrs, lotl_signer, lotl_url, lotl_type, "EU", "Podpis Test LOTL Operator",
                ["http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUlistofthelists"])
        pointer(ptrs, tl_signer, tl_url, "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric", "PL",
                "Podpis Test Supervisory Body",
                ["http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUcommon",
                 "http://uri.etsi.org/TrstSvc/TrustedList/schemerules/PL"])

    scheme_information(root, seq, lotl_type, "EU", "Podpis Test LOTL Operator", "EU: Podpis test list of trusted lists",
                       issued, next_update, ["http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUlistofthelists"],
                       pointers)
    return root


def generate(n, c):
    shutil.rmtree(TL_DIR, ignore_errors=True)
    os.makedirs(TL_DIR)
    d = lambda name: os.path.join(TL_DIR, name)  # noqa: E731
    signers = {"tl-signer": "Podpis Test TL Operator", "lotl-signer": "Podpis Test LOTL Operator",
               "tl-rogue": "Podpis Test TL Operator (not announced)",
               "lotl-rogue": "Podpis Test LOTL Operator (not pinned)"}
    b.genkeys([d(x + ".key") for x in signers])
    for name, cn in signers.items():
        run(["openssl", "req", "-new", "-x509", "-utf8", "-key", d(name + ".key"), "-subj", "/C=PL/O=Podpis Test/CN=" + cn,
             "-days", "1130", "-extensions", "ext_tl_signer", "-sha256", "-out", d(name + ".pem")],
            at=days_ago(400, n))
    shutil.copy(d("lotl-signer.pem"), d("lotl-signer-pinned.pem"))
    tl_url = "%s/%s" % (b.CRL_BASE, TL_NAME)
    lotl_url = "%s/%s" % (b.CRL_BASE, LOTL_NAME)
    issued, next_update = days_ago(1, n), n + datetime.timedelta(days=180)

    b.log("trusted lists: TL and LOTL signed with xmlsec1, checked with xmllint --schema and xmlsec1 --verify")
    sign_and_check(build_tl(n, c, issued, next_update, 2), d(TL_NAME), d("tl-signer.key"), d("tl-signer.pem"))
    sign_and_check(build_lotl(d("tl-signer.pem"), d("lotl-signer.pem"), issued, next_update, 1, tl_url, lotl_url),
                   d(LOTL_NAME), d("lotl-signer.key"), d("lotl-signer.pem"))
    # Broken variants.
    sign_and_check(build_tl(n, c, days_ago(200, n), days_ago(20, n), 1), d("tl-expired.xml"),
                   d("tl-signer.key"), d("tl-signer.pem"))
    sign_and_check(build_tl(n, c, issued, next_update, 2), d("tl-unannounced-signer.xml"),
                   d("tl-rogue.key"), d("tl-rogue.pem"))
    sign_and_check(build_lotl(d("tl-signer.pem"), d("lotl-signer.pem"), issued, next_update, 1, tl_url, lotl_url),
                   d("lotl-unpinned-signer.xml"), d("lotl-rogue.key"), d("lotl-rogue.pem"))
    with open(d(TL_NAME), encoding="utf-8") as f:
        text = f.read()
    assert text.count("Podpis Test Withdrawn CA") >= 1
    # Changed after signing: the withdrawn CA's current status reads granted.
    broken = text.replace(STATUS + "withdrawn", STATUS + "granted", 1)
    assert broken != text
    with open(d("tl-bad-signature.xml"), "w", encoding="utf-8") as f:
        f.write(broken)
    validate(d("tl-bad-signature.xml"))
    verify(d("tl-bad-signature.xml"), d("tl-signer.pem"), expect_ok=False)
    www = os.path.join(PKI, "www")
    os.makedirs(www, exist_ok=True)
    for name in (TL_NAME, LOTL_NAME, "tl-expired.xml", "tl-bad-signature.xml", "tl-unannounced-signer.xml",
                 "lotl-unpinned-signer.xml"):
        shutil.copy(d(name), os.path.join(www, name))
    for k in signers:
        os.chmod(d(k + ".key"), 0o600)
    with open(d("lists.tsv"), "w") as f:
        f.write("file\twhat\texpected\n")
        f.write("%s\ttest LOTL (pinned signer lotl-signer-pinned.pem), points at %s\tloads\n" % (LOTL_NAME, TL_NAME))
        f.write("%s\ttest TL of the test QTSP, signed by tl-signer.pem (announced by the LOTL)\tloads\n" % TL_NAME)
        f.write("tl-expired.xml\tthe TL with NextUpdate %s in the past, correctly signed\tused and flagged expired\n"
                % b.iso(days_ago(20, n)))
        f.write("tl-bad-signature.xml\tthe TL changed after signing (withdrawn CA's status reads granted)\t"
                "refused: signature\n")
        f.write("tl-unannounced-signer.xml\tthe TL signed by tl-rogue.pem, which the LOTL does not announce\t"
                "refused: signer not announced\n")
        f.write("lotl-unpinned-signer.xml\tthe LOTL signed by lotl-rogue.pem, not the pinned certificate\t"
                "refused: LOTL signer not pinned\n")
