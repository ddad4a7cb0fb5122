#!/usr/bin/env python3
"""Reads a CMS/CAdES file with asn1crypto (not Podpis's own parser) and prints
what the tests check, as JSON: per signer the ESSCertIDv2 hash, the signature
value, the signed attribute names, the time-stamp token; SignedData's
revocation data (CRLs and RFC 5940 OCSP responses, hex); and whether the DER
re-encodes byte for byte."""
import hashlib
import json
import sys

from asn1crypto import cms, core, tsp


def main(path):
    data = open(path, "rb").read()
    info = cms.ContentInfo.load(data)
    signed = info["content"]
    # Re-encoding is slow on samples with large CRLs: only when asked.
    reencoded = cms.ContentInfo.load(data).dump(force=True) if "--reencode" in sys.argv else None
    certificates = []
    for choice in signed["certificates"] or []:
        der = choice.chosen.dump()
        certificates.append(hashlib.sha256(der).hexdigest())
    signers = []
    for signer in signed["signer_infos"]:
        attrs = {}
        names = []
        for attr in signer["signed_attrs"] or []:
            name = attr["type"].native
            names.append(name)
            attrs[name] = attr
        entry = {
            "serial": format(signer["sid"].chosen["serial_number"].native, "X") if signer["sid"].name == "issuer_and_serial_number" else None,
            "digestAlgorithm": signer["digest_algorithm"]["algorithm"].native,
            "signatureAlgorithm": signer["signature_algorithm"]["algorithm"].native,
            "signedAttributes": names,
            "signature": signer["signature"].native.hex(),
        }
        ess = attrs.get("signing_certificate_v2") or attrs.get("1.2.840.113549.1.9.16.2.47")
        if ess is not None:
            value = tsp.SigningCertificateV2.load(ess["values"][0].dump())
            cert_id = value["certs"][0]
            entry["essCertHash"] = cert_id["cert_hash"].native.hex()
            entry["essHashAlgorithm"] = cert_id["hash_algorithm"]["algorithm"].native
            issuer_serial = cert_id["issuer_serial"]
            entry["essSerial"] = format(issuer_serial["serial_number"].native, "X") if issuer_serial.native else None
        if "signing_time" in attrs:
            entry["signingTime"] = attrs["signing_time"]["values"][0].native.isoformat()
        commitment = attrs.get("commitment_type_indication") or attrs.get("1.2.840.113549.1.9.16.2.16")
        if commitment is not None:
            # SEQUENCE { commitmentTypeId OID, ... }: the OID is the first element.
            seq = core.Sequence.load(commitment["values"][0].dump())
            entry["commitment"] = core.ObjectIdentifier.load(seq[0].dump()).dotted
        if "0.4.0.19122.1.1" in attrs:
            raw = attrs["0.4.0.19122.1.1"]["values"][0]
            entry["signerAttributesV2"] = raw.dump().hex()
        for attr in signer["unsigned_attrs"] or []:
            if attr["type"].native == "signature_time_stamp_token":
                entry["timeStampToken"] = attr["values"][0].dump().hex()
        signers.append(entry)
    crls, ocsp = [], []
    for choice in signed["crls"] or []:
        if choice.name == "crl":
            crls.append(choice.chosen.dump().hex())
        elif choice.name == "other" and choice.chosen["other_rev_info_format"].dotted == "1.3.6.1.5.5.7.16.2":
            ocsp.append(choice.chosen["other_rev_info"].dump().hex())
    content = signed["encap_content_info"]["content"]
    print(json.dumps({
        "version": signed["version"].native,
        "detached": content.native is None,
        "certificates": certificates,
        "signers": signers,
        "crls": crls,
        "ocspResponses": ocsp,
        "reencodesIdentically": (reencoded == data) if reencoded is not None else None,
    }))


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if not a.startswith("--")][0])
