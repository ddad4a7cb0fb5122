#!/usr/bin/python3
"""An independent path and revocation check with pyhanko-certvalidator.

Run with the packages that testbed/install-deps.sh puts in
$PODPIS_CERTVALIDATOR_PYDIR (default <repo>/.testbed/py-certvalidator):

    PYTHONPATH=$PODPIS_CERTVALIDATOR_PYDIR /usr/bin/python3 \\
        Tests/Tools/certvalidator_check.py --moment 2026-02-09T21:05:00Z \\
        --root trust-anchor.pem (--cert signer.pem | --cms signature.p7s) \\
        [--other ca.pem]... [--ocsp response.der]... [--crl list.crl]... \\
        [--leaf-rule RULE] [--ca-rule RULE] [--freshness-days N]

--cms reads the signer's certificate (by the SignerInfo's sid) and all other
certificates of a CMS SignedData (DER or PEM) with asn1crypto, not with our
parser. Fetching is always off; the revocation data given is taken as
retroactively valid (issued after the moment, as EN 319 102-1 allows), and a
revocation counts only if its time is at or before the moment. The rules are
pyhanko-certvalidator's RevocationCheckingRule values (ETSI TS 119 172):
--leaf-rule for the signer (default eithercheck: a CRL or OCSP response is
required, as our verifier requires one for a PASSED signer), --ca-rule for
the CAs above it (default ifdeclaredsoftcheck, the legacy soft-fail: the
bench gives revocation data for the signer only). Freshness is the library's
legacy window (the moment between thisUpdate and nextUpdate) unless
--freshness-days N asks for EN 319 102-1 5.2.5.4's maximum difference (data
issued at most N days before the moment, or after it).

Prints one JSON object on stdout and exits 0 whenever it could judge:
    {"path": [{"subject": ..., "sha256": ...}, ...]   leaf first, anchor last
     "result": "valid" | "revoked" | "expired" | "not-yet-valid" | "no-path"
               | "no-revocation-info" | "other",
     "detail": "..."}
Exits 2 (with {"error": ...}) on bad arguments or unreadable input.
"""

import argparse
import asyncio
import hashlib
import json
import sys
from datetime import datetime, timedelta, timezone

MAX_INPUT = 4 * 1024 * 1024


def emit(obj, code=0):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.exit(code)


def read(path):
    with open(path, "rb") as f:
        data = f.read(MAX_INPUT + 1)
    if len(data) > MAX_INPUT:
        raise ValueError(f"{path}: larger than {MAX_INPUT} bytes")
    return data


def der_of(data):
    from asn1crypto import pem

    if pem.detect(data):
        _, _, der = pem.unarmor(data)
        return der
    return data


def certificates_in(path):
    """Every certificate of a PEM file (several blocks allowed) or one DER."""
    from asn1crypto import pem, x509

    data = read(path)
    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def signer_and_others(path):
    """The signer's certificate and the other certificates of a CMS SignedData."""
    from asn1crypto import cms

    info = cms.ContentInfo.load(der_of(read(path)))
    if info["content_type"].native != "signed_data":
        raise ValueError(f"{path}: not a CMS SignedData")
    signed = info["content"]
    certs = [c.chosen for c in signed["certificates"] if c.name == "certificate"]
    signer_infos = list(signed["signer_infos"])
    if len(signer_infos) != 1:
        raise ValueError(f"{path}: {len(signer_infos)} SignerInfos, expected 1")
    sid = signer_infos[0]["sid"]
    if sid.name == "issuer_and_serial_number":
        want = sid.chosen
        match = [c for c in certs if c.issuer == want["issuer"] and c.serial_number == want["serial_number"].native]
    else:
        match = [c for c in certs if c.key_identifier == sid.chosen.native]
    if len(match) != 1:
        raise ValueError(f"{path}: {len(match)} certificates match the SignerInfo's sid")
    signer = match[0]
    return signer, [c for c in certs if c.dump() != signer.dump()]


def describe(cert):
    return {"subject": cert.subject.human_friendly, "sha256": hashlib.sha256(cert.dump()).hexdigest()}


def path_of(validation_path):
    # pyhanko-certvalidator iterates root first; we print leaf first.
    return [describe(c) for c in reversed(list(validation_path.iter_certs(include_root=True)))]


async def judge(args):
    from asn1crypto import x509  # noqa: F401  (imported for the loaders above)
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator import errors
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy, FreshnessReqType, RevocationCheckingPolicy, RevocationCheckingRule)

    if args.cms:
        leaf, others = signer_and_others(args.cms)
    else:
        found = certificates_in(args.cert)
        leaf, others = found[0], found[1:]
    for path in args.other:
        others.extend(certificates_in(path))
    roots = [c for path in args.root for c in certificates_in(path)]
    moment = datetime.fromisoformat(args.moment.replace("Z", "+00:00"))
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=timezone.utc)
    policy = CertRevTrustPolicy(
        RevocationCheckingPolicy(ee_certificate_rule=RevocationCheckingRule(args.leaf_rule),
                                 intermediate_ca_cert_rule=RevocationCheckingRule(args.ca_rule)),
        retroactive_revinfo=True,
        **({} if args.freshness_days is None else {
            "freshness_req_type": FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
            "freshness": timedelta(days=args.freshness_days)}))
    context = ValidationContext(
        trust_roots=roots, other_certs=others, moment=moment, allow_fetching=False,
        ocsps=[read(p) for p in args.ocsp], crls=[read(p) for p in args.crl],
        revinfo_policy=policy)
    validator = CertificateValidator(leaf, intermediate_certs=others, validation_context=context)
    base = {"leaf": describe(leaf), "moment": moment.isoformat()}
    try:
        path = await validator.async_validate_usage(set())
        return {**base, "path": path_of(path), "result": "valid", "detail": ""}
    except errors.PathBuildingError as e:
        return {**base, "path": [], "result": "no-path", "detail": str(e)}
    except errors.PathValidationError as e:
        if isinstance(e, errors.RevokedError):
            result = "revoked"
        elif isinstance(e, errors.ExpiredError):
            result = "expired"
        elif isinstance(e, errors.NotYetValidError):
            result = "not-yet-valid"
        elif isinstance(e, errors.InsufficientRevinfoError):
            result = "no-revocation-info"
        else:
            result = "other"
        return {**base, "path": path_of(e.original_path), "result": result,
                "error": type(e).__name__, "detail": str(e)}
    except errors.ValidationError as e:
        return {**base, "path": [], "result": "other", "error": type(e).__name__, "detail": str(e)}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--cert", help="the certificate to validate (PEM or DER; further PEM blocks are intermediates)")
    source.add_argument("--cms", help="a CMS SignedData: validate its signer's certificate")
    parser.add_argument("--other", action="append", default=[], help="intermediate certificates")
    parser.add_argument("--root", action="append", required=True, help="trust anchors")
    parser.add_argument("--moment", required=True, help="ISO 8601 time to validate at")
    parser.add_argument("--ocsp", action="append", default=[], help="DER OCSPResponse")
    parser.add_argument("--crl", action="append", default=[], help="DER CRL")
    rules = ["eithercheck", "ifdeclaredcheck", "ifdeclaredsoftcheck", "nocheck", "clrcheck", "ocspcheck"]
    parser.add_argument("--leaf-rule", default="eithercheck", choices=rules)
    parser.add_argument("--ca-rule", default="ifdeclaredsoftcheck", choices=rules)
    parser.add_argument("--freshness-days", type=int, help="EN 319 102-1 maximum age of revocation data")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        if e.code == 0:
            raise
        emit({"error": "bad arguments"}, 2)
    try:
        import pyhanko_certvalidator  # noqa: F401
    except ImportError as exc:
        emit({"error": f"cannot import pyhanko_certvalidator ({exc}): run with PYTHONPATH=$PODPIS_CERTVALIDATOR_PYDIR"}, 2)
    try:
        emit(asyncio.run(judge(args)))
    except (OSError, ValueError) as exc:
        emit({"error": f"{type(exc).__name__}: {exc}"}, 2)


if __name__ == "__main__":
    main(sys.argv[1:])
