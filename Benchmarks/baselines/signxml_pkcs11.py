#!/usr/bin/python3
"""Baseline 2: what an office scripts today in Python with the key on an HSM.

signxml's XAdESSigner makes an enveloped XAdES signature (SHA-256, C14N 1.1)
over each XML file of a directory; the private-key operation is done by the
token through python-pkcs11. One process seals all documents in a loop, with
one PKCS#11 session, logged in once.

Usage:
  signxml_pkcs11.py --input DIR --output DIR --module PATH --token "Bench Seal"
                    --pin PIN --cert CERT.pem [--key-type rsa|ec]

Prints one JSON line on stdout:
  {"tool":"signxml-python-pkcs11","documents":N,"seconds":S,"perSecond":R}
seconds: wall time from loading the PKCS#11 module (open, login, find key)
to the last signed file written; the interpreter's start and imports are not
counted.

Packages: python-pkcs11 from <repo>/.testbed/py-bench (Benchmarks/baselines/
install.sh) and signxml 5.2.0 with its pinned lxml/cryptography from
<repo>/.testbed/py-xades (testbed/install-deps.sh); this file puts both on
sys.path itself (PODPIS_BENCH_PYDIR / PODPIS_XADES_PYDIR move them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# No .pyc files in the shared package directories.
sys.dont_write_bytecode = True
_REPO = Path(__file__).resolve().parents[2]
_PYDIRS = [
    os.environ.get("PODPIS_BENCH_PYDIR") or str(_REPO / ".testbed" / "py-bench"),
    os.environ.get("PODPIS_XADES_PYDIR") or str(_REPO / ".testbed" / "py-xades"),
]
for _d in reversed(_PYDIRS):
    if not os.path.isdir(_d):
        sys.exit(f"signxml_pkcs11: {_d} missing: run Benchmarks/baselines/install.sh (and testbed/install-deps.sh)")
    sys.path.insert(0, _d)

import pkcs11  # noqa: E402
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402
from lxml import etree  # noqa: E402
from signxml import DigestAlgorithm, SignatureMethod  # noqa: E402
from signxml.xades import XAdESSigner  # noqa: E402


class TokenRSAKey:
    """What signxml needs of an RSA private key, with the signature made on the token.

    signxml does no isinstance check on the key: it calls
    sign(data, padding=PKCS1v15(), algorithm=SHA256()) and, because
    XAdESSigner.sign writes KeyValue by default, public_key().public_numbers().
    The public half comes from the certificate.
    """

    def __init__(self, p11_key, public_key: rsa.RSAPublicKey):
        self._key = p11_key
        self._public = public_key
        self.key_size = public_key.key_size

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public

    def sign(self, data: bytes, padding, algorithm) -> bytes:
        if not isinstance(padding, PKCS1v15) or not isinstance(algorithm, hashes.SHA256):
            raise ValueError(f"only RSASSA-PKCS1-v1_5 with SHA-256 is wired to the token, not {padding}/{algorithm}")
        # The token hashes: CKM_SHA256_RSA_PKCS over the canonical SignedInfo.
        return self._key.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS)


class TokenECKey:
    """What signxml needs of an EC private key, with the signature made on the token.

    signxml calls sign(data, signature_algorithm=ECDSA(SHA256())) and expects
    cryptography's DER (SEQUENCE of r, s), which it then takes apart again into
    the fixed-size r||s of XML DSig; PKCS#11 returns r||s already, so it is
    DER-encoded here only to be decoded by signxml. It also reads key_size
    (the r/s length) and curve.name (ECKeyValue's NamedCurve).
    """

    def __init__(self, p11_key, public_key: ec.EllipticCurvePublicKey, hash_on_token: bool):
        self._key = p11_key
        self._public = public_key
        self.curve = public_key.curve
        self.key_size = public_key.curve.key_size
        self._hash_on_token = hash_on_token

    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self._public

    def sign(self, data: bytes, signature_algorithm) -> bytes:
        if not isinstance(signature_algorithm, ec.ECDSA) or not isinstance(signature_algorithm.algorithm, hashes.SHA256):
            raise ValueError(f"only ECDSA with SHA-256 is wired to the token, not {signature_algorithm}")
        if self._hash_on_token:
            raw = self._key.sign(data, mechanism=Mechanism.ECDSA_SHA256)
        else:
            # SoftHSM 2.6.1 offers CKM_ECDSA only (no CKM_ECDSA_SHA256): hash
            # here and let the token sign the digest.
            h = hashes.Hash(hashes.SHA256())
            h.update(data)
            raw = self._key.sign(h.finalize(), mechanism=Mechanism.ECDSA)
        n = len(raw) // 2
        return encode_dss_signature(int.from_bytes(raw[:n], "big"), int.from_bytes(raw[n:], "big"))


def main() -> int:
    ap = argparse.ArgumentParser(description="Seal XML files with signxml XAdES and a PKCS#11 key")
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--module", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--pin", required=True)
    ap.add_argument("--cert", required=True, help="PEM: the signer certificate (first), optionally its CA after it")
    ap.add_argument("--key-type", choices=["rsa", "ec"], default="rsa")
    ap.add_argument("--key-label", default="seal")
    args = ap.parse_args()

    in_dir, out_dir = Path(args.input), Path(args.output)
    files = sorted(p for p in in_dir.iterdir() if p.is_file())
    if not files:
        sys.exit(f"signxml_pkcs11: no files in {in_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)

    cert_pem = Path(args.cert).read_bytes()
    signer_cert = x509.load_pem_x509_certificate(cert_pem)
    public = signer_cert.public_key()
    if args.key_type == "rsa" and not isinstance(public, rsa.RSAPublicKey):
        sys.exit(f"signxml_pkcs11: {args.cert} holds no RSA key")
    if args.key_type == "ec" and not isinstance(public, ec.EllipticCurvePublicKey):
        sys.exit(f"signxml_pkcs11: {args.cert} holds no EC key")

    if args.key_type == "rsa":
        signer = XAdESSigner(signature_algorithm=SignatureMethod.RSA_SHA256, digest_algorithm=DigestAlgorithm.SHA256)
    else:
        signer = XAdESSigner(signature_algorithm=SignatureMethod.ECDSA_SHA256, digest_algorithm=DigestAlgorithm.SHA256)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)

    start = time.perf_counter()
    lib = pkcs11.lib(args.module)
    token = lib.get_token(token_label=args.token)
    with token.open(user_pin=args.pin) as session:
        p11_key = session.get_key(
            object_class=ObjectClass.PRIVATE_KEY,
            key_type=KeyType.RSA if args.key_type == "rsa" else KeyType.EC,
            label=args.key_label,
        )
        if not p11_key[Attribute.SIGN]:
            sys.exit("signxml_pkcs11: the token's key may not sign (CKA_SIGN false)")
        if args.key_type == "rsa":
            key = TokenRSAKey(p11_key, public)
        else:
            mechanisms = set(token.slot.get_mechanisms())
            key = TokenECKey(p11_key, public, hash_on_token=Mechanism.ECDSA_SHA256 in mechanisms)

        for path in files:
            root = etree.parse(str(path), parser).getroot()
            signed = signer.sign(root, key=key, cert=cert_pem)
            (out_dir / path.name).write_bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))
    seconds = time.perf_counter() - start

    print(json.dumps({
        "tool": "signxml-python-pkcs11",
        "documents": len(files),
        "seconds": round(seconds, 3),
        "perSecond": round(len(files) / seconds, 1) if seconds > 0 else 0,
    }, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
