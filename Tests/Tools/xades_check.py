#!/usr/bin/env python3
"""Independent checks of XAdES signatures for the Podpis tests.

Nothing here comes from Podpis: signatures are verified with python signxml
(signxml.xades.XAdESVerifier), schemas are checked by xmllint against the ETSI
schemas of the shared conformance corpus, and documents are read with lxml.

Run with the packages that testbed/install-deps.sh puts in $PODPIS_XADES_PYDIR:

    PYTHONPATH=$PODPIS_XADES_PYDIR /usr/bin/python3 Tests/Tools/xades_check.py SUBCOMMAND ...

Subcommands (FILE is an XML document holding one or more ds:Signature):

    signxml FILE --root PEM [--ca PEM ...] [--index N] [--base-dir DIR]
                 [--expect-references K] [--verification-time ISO8601] [--allow-sha1]
    schema FILE [--index N]
    timestamp FILE --out-dir DIR [--index N]
    archive-timestamp FILE --out-dir DIR [--index N] [--stamp K] [--detached-dir DIR]
    info FILE

"Signatures" are the top-level ones: every ds:Signature with no ds:Signature
ancestor (so counter-signatures inside a signature's ds:Object do not count),
in document order. --index N picks one of them (0-based, negative counts from
the end); the default is the last one.

Each run prints exactly one JSON object on stdout and exits 0 when the check
passes, 1 when the document or signature fails it (reason in "error"), 2 on a
usage error (bad arguments, missing input files, missing tools or packages).
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
XADES141 = "http://uri.etsi.org/01903/v1.4.1#"
NS = {"ds": DS, "xades": XADES, "xades141": XADES141}
XML_NS = "http://www.w3.org/XML/1998/namespace"

SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"

C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N10_COMMENTS = C14N10 + "#WithComments"
C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
C14N11_COMMENTS = C14N11 + "#WithComments"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_COMMENTS = EXC_C14N + "WithComments"
C14N_METHODS = {C14N10, C14N10_COMMENTS, C14N11, C14N11_COMMENTS, EXC_C14N, EXC_C14N_COMMENTS}
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
BASE64 = "http://www.w3.org/2000/09/xmldsig#base64"
# Transforms signxml 5.2 applies. It silently skips any other one (and then
# reports a digest mismatch), so those are refused up front, by name.
SIGNXML_TRANSFORMS = C14N_METHODS | {ENVELOPED, BASE64}
TRANSFORM_NAMES = {
    "http://www.w3.org/TR/1999/REC-xpath-19991116": "XPath",
    "http://www.w3.org/2002/06/xmldsig-filter2": "XPath Filter 2.0",
    "http://www.w3.org/TR/1999/REC-xslt-19991116": "XSLT",
    "http://www.w3.org/2010/xml-c14n2": "Canonical XML 2.0",
    "http://www.w3.org/2002/07/decrypt#XML": "Decryption (XML)",
}

HASH_OIDS = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "2.16.840.1.101.3.4.2.8": "sha3_256",
    "2.16.840.1.101.3.4.2.9": "sha3_384",
    "2.16.840.1.101.3.4.2.10": "sha3_512",
}

# <repo>/Tests/Tools/xades_check.py -> <repo>
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class UsageError(Exception):
    """Exit 2: the caller got something wrong."""


class CheckFailed(Exception):
    """Exit 1: the document or signature does not pass."""

    def __init__(self, message, **extra):
        super().__init__(message)
        self.extra = extra


def emit(result, code):
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=None, default=str) + "\n")
    sys.stdout.flush()
    sys.exit(code)


try:
    from lxml import etree
except ImportError as exc:  # pragma: no cover - environment problem
    emit({"ok": False, "error": f"cannot import lxml ({exc}): run with PYTHONPATH=$PODPIS_XADES_PYDIR "
          "(testbed/install-deps.sh installs it)"}, 2)


# ---------------------------------------------------------------- parsing


def hardened_parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_document(path):
    """Parses FILE with the hardened parser; refuses DTDs and entity references
    (a signature has no business carrying either)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}")
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise CheckFailed(f"not well-formed XML: {exc}")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise CheckFailed("the document has a DTD (DOCTYPE), which signatures must not carry")
    for _ in root.iter(etree.Entity):
        raise CheckFailed("the document has entity references, which signatures must not carry")
    return data, root


def top_level_signatures(root):
    """Every ds:Signature that is not inside another ds:Signature, in document order."""
    return root.getroottree().xpath("//ds:Signature[not(ancestor::ds:Signature)]", namespaces=NS)


def resolve_index(index, count):
    if count == 0:
        raise CheckFailed("no ds:Signature in the document")
    chosen = count - 1 if index is None else index
    if chosen < 0:
        chosen += count
    if not 0 <= chosen < count:
        raise CheckFailed(f"signature index {index} out of range: the document has {count} top-level signature(s)")
    return chosen


def choose_signature(root, index):
    signatures = top_level_signatures(root)
    chosen = resolve_index(index, len(signatures))
    return chosen, signatures[chosen], len(signatures)


def local_name(element):
    return etree.QName(element).localname


def text_of(element):
    return None if element is None else (element.text or "").strip()


def qualifying_properties(signature):
    return signature.findall("ds:Object/xades:QualifyingProperties", NS)


def transforms_of(reference):
    out = []
    for transform in reference.findall("ds:Transforms/ds:Transform", NS):
        item = {"algorithm": transform.get("Algorithm")}
        xpaths = [text_of(x) for x in transform if isinstance(x.tag, str) and local_name(x) == "XPath"]
        if xpaths:
            item["xpath"] = xpaths
        prefixes = transform.find("{%s}InclusiveNamespaces" % EXC_C14N)
        if prefixes is not None:
            item["inclusive_namespaces"] = prefixes.get("PrefixList")
        out.append(item)
    return out


def reference_summary(reference):
    method = reference.find("ds:DigestMethod", NS)
    return {
        "id": reference.get("Id"),
        "uri": reference.get("URI"),
        "type": reference.get("Type"),
        "transforms": transforms_of(reference),
        "digest_method": None if method is None else method.get("Algorithm"),
        "digest_value": text_of(reference.find("ds:DigestValue", NS)),
    }


def element_summary(element):
    """{local name: text, or the element's XML when it has children}; repeated names give lists."""
    out = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if len(child):
            value = etree.tostring(child, encoding="unicode", with_tail=False)
        else:
            value = (child.text or "").strip()
        name = local_name(child)
        if name in out:
            if not isinstance(out[name], list):
                out[name] = [out[name]]
            out[name].append(value)
        else:
            out[name] = value
    return out


# ---------------------------------------------------------------- signxml


def load_certificates(path, what):
    from cryptography import x509

    try:
        with open(path, "rb") as handle:
            certificates = x509.load_pem_x509_certificates(handle.read())
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}")
    except ValueError as exc:
        raise UsageError(f"{what} {path} holds no PEM certificate: {exc}")
    return certificates


def local_file_for_uri(uri, base_dir):
    """A detached reference's URI (a relative file name, possibly
    percent-encoded) as a path under base_dir; anything else is refused."""
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme or parts.netloc:
        raise CheckFailed(f"reference URI {uri!r} is not a relative file name (only those are resolved)")
    if parts.query or parts.fragment:
        raise CheckFailed(f"reference URI {uri!r} has a query or fragment (not supported for detached content)")
    name = urllib.parse.unquote(parts.path)
    if not name or name.startswith("/") or any(p == ".." for p in name.split("/")):
        raise CheckFailed(f"reference URI {uri!r} leaves the base directory")
    path = os.path.join(base_dir, name)
    if not os.path.isfile(path):
        raise CheckFailed(f"detached content for reference URI {uri!r} not found: {path}")
    return path


def unsupported_by_signxml(signature):
    """What in this signature signxml 5.2 cannot check (it would otherwise
    ignore an unknown transform and report a misleading digest mismatch)."""
    problems = []
    for number, reference in enumerate(signature.findall("ds:SignedInfo/ds:Reference", NS)):
        uri = reference.get("URI")
        if uri is None:
            problems.append(f"reference {number} has no URI attribute (signxml needs one)")
        elif uri.startswith("#xpointer("):
            problems.append(f"reference {number} has the XPointer URI {uri!r} (signxml supports no XPointer)")
        for transform in reference.findall("ds:Transforms/ds:Transform", NS):
            algorithm = transform.get("Algorithm")
            if algorithm not in SIGNXML_TRANSFORMS:
                name = TRANSFORM_NAMES.get(algorithm, "unknown")
                problems.append(f"reference {number} ({uri}) uses the {name} transform {algorithm}, "
                                "which signxml 5.2 does not support")
    return problems


def inherited_xml_attributes(element):
    """xml:* attributes on the element's ancestors (inclusive C14N 1.0/1.1 of a
    subtree brings xml:lang, xml:space and (1.0) xml:base, xml:id in)."""
    found = {}
    for ancestor in element.iterancestors():
        for name, value in ancestor.attrib.items():
            if name.startswith("{%s}" % XML_NS) and name not in found:
                found[name] = value
    return found


def signxml_c14n_blind_spot(signature):
    """signxml canonicalizes SignedInfo and same-document references from a
    re-parsed copy of the element, which loses the xml:* attributes inclusive
    C14N inherits from ancestors (xmlsec1 and libxml2 keep them), so its
    verdict is wrong either way there. Returns a reason, or None."""
    def names(found):
        return ", ".join(sorted("xml:" + n.split("}")[1] for n in found))

    inherited = inherited_xml_attributes(signature)
    method = signature.find("ds:SignedInfo/ds:CanonicalizationMethod", NS)
    if inherited and method is not None and method.get("Algorithm") not in (EXC_C14N, EXC_C14N_COMMENTS):
        return (f"ds:Signature inherits {names(inherited)} from its ancestors and SignedInfo uses inclusive "
                "canonicalization, which signxml 5.2 computes without inherited xml:* attributes")
    for reference in signature.findall("ds:SignedInfo/ds:Reference", NS):
        uri = reference.get("URI") or ""
        if not uri.startswith("#") or uri.startswith("#xpointer("):
            continue
        algorithms = [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", NS)]
        if any(a in (EXC_C14N, EXC_C14N_COMMENTS) for a in algorithms):
            continue
        targets = signature.getroottree().xpath(
            "//*[@*[local-name() = 'Id' or local-name() = 'ID' or local-name() = 'id'] = $id]", id=uri[1:])
        found = inherited_xml_attributes(targets[0]) if len(targets) == 1 else {}
        if found:
            return (f"the element of reference {uri} inherits {names(found)} from its ancestors and is "
                    "canonicalized inclusively, which signxml 5.2 does without inherited xml:* attributes")
    return None


def cmd_signxml(args):
    data, root = parse_document(args.file)
    if args.expect_references is not None and args.expect_references < 2:
        raise UsageError("--expect-references must be at least 2 (data and SignedProperties)")
    chosen, signature, count = choose_signature(root, args.index)
    result = {"ok": False, "index": chosen, "signature_count": count, "id": signature.get("Id")}

    problems = unsupported_by_signxml(signature)
    blind_spot = signxml_c14n_blind_spot(signature)
    if blind_spot:
        problems.append(blind_spot + " (check this one with xmlsec1)")
    if problems:
        raise CheckFailed("; ".join(problems), unsupported=True, **result)

    try:
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature as CryptographyInvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        from cryptography.x509.verification import Criticality, ExtensionPolicy, VerificationError
        from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
        from signxml.exceptions import InvalidCertificate, SignXMLException
        from signxml.util import X509CertChainVerifier
        from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier, XAdESVerifyResult
    except ImportError as exc:
        raise UsageError(f"cannot import signxml/cryptography ({exc}): run with PYTHONPATH=$PODPIS_XADES_PYDIR")

    root_pem = os.path.abspath(args.root)
    load_certificates(root_pem, "--root")
    intermediates = []
    for path in args.ca or []:
        intermediates += load_certificates(path, "--ca")
    base_dir = os.path.abspath(args.base_dir or os.path.dirname(os.path.abspath(args.file)))

    verification_time = None
    if args.verification_time:
        try:
            verification_time = datetime.datetime.fromisoformat(args.verification_time.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"--verification-time {args.verification_time!r} is not ISO 8601")
        if verification_time.tzinfo is None:
            verification_time = verification_time.replace(tzinfo=datetime.timezone.utc)

    # Qualified certificates carry KeyUsage nonRepudiation (contentCommitment)
    # alone; signxml's default end-entity policy wants digitalSignature.
    def key_usage_allows_signing(policy, certificate, key_usage):
        if not (key_usage.content_commitment or key_usage.digital_signature):
            raise ValueError("KeyUsage has neither nonRepudiation (contentCommitment) nor digitalSignature")

    ee_policy = ExtensionPolicy.permit_all().require_present(
        x509.KeyUsage, Criticality.AGNOSTIC, key_usage_allows_signing)

    # CA certificates: signxml's default (webpki_defaults_ca) is the CA/B
    # Forum TLS profile. Ours are plain RFC 5280 CAs; require what RFC 5280
    # requires of a CA that signs certificates: basicConstraints cA=TRUE and,
    # when keyUsage is there, keyCertSign.
    def basic_constraints_ca(policy, certificate, basic_constraints):
        if not basic_constraints.ca:
            raise ValueError("basicConstraints cA is not TRUE")

    def key_usage_cert_sign(policy, certificate, key_usage):
        if key_usage is not None and not key_usage.key_cert_sign:
            raise ValueError("KeyUsage lacks keyCertSign")

    ca_policy = (ExtensionPolicy.permit_all()
                 .require_present(x509.BasicConstraints, Criticality.AGNOSTIC, basic_constraints_ca)
                 .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, key_usage_cert_sign))

    class ChainVerifier(X509CertChainVerifier):
        """signxml's, with the --ca intermediates added (signxml uses only the
        KeyInfo certificates) and a clearer failure: signxml tries the KeyInfo
        list as given, then reversed, and reports the reversed attempt's error
        (which then speaks of the CA certificate's KeyUsage, whatever went
        wrong). Here the non-CA certificates are tried as the leaf first and
        the first attempt's error is the one reported."""

        def verify(self, cert_chain):
            def is_ca(certificate):
                try:
                    return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
                except x509.ExtensionNotFound:
                    return False

            candidates = [c for c in cert_chain if not is_ca(c)] + [c for c in cert_chain if is_ca(c)]
            errors = []
            for leaf in candidates:
                others = [c for c in cert_chain if c is not leaf] + intermediates
                try:
                    return self.verifier.verify(leaf=leaf, intermediates=others).chain[0]
                except VerificationError as exc:
                    errors.append(exc)
            raise InvalidCertificate(errors[0] if errors else "no certificate in KeyInfo")

    class Verifier(XAdESVerifier):
        """XAdESVerifier working on the chosen top-level signature. signxml
        takes the first ds:Signature in document order (config.location)
        both for the signature to verify and for the one an
        enveloped-signature transform removes; this points both at ours,
        so nothing is stripped from the document."""

        def _get_signature(self, root_element):
            return top_level_signatures(root_element)[chosen]

        def _check_key_value_matches_cert_public_key(self, key_value, public_key, signature_alg):
            # signxml 5.2 raises NotImplementedError for an RSA KeyValue with
            # the RSA-PSS methods (sha*-rsa-MGF1) - even on its own signatures,
            # since XAdESSigner always writes a KeyValue. Compare n and e here.
            if signature_alg.name.endswith("_RSA_MGF1") and isinstance(public_key, rsa.RSAPublicKey):
                rsa_key_value = self._find(key_value, "RSAKeyValue")
                numbers = public_key.public_numbers()
                return (self._get_long(rsa_key_value, "Modulus") == numbers.n
                        and self._get_long(rsa_key_value, "Exponent") == numbers.e)
            return super()._check_key_value_matches_cert_public_key(key_value, public_key, signature_alg)

        def get_cert_chain_verifier(self, ca_pem_file, ee_policy, ca_policy):
            return ChainVerifier(ca_pem_file=ca_pem_file, verification_time=self._get_cert_verification_time(),
                                 ee_policy=ee_policy, ca_policy=ca_policy)

    references = signature.findall("ds:SignedInfo/ds:Reference", NS)
    # Detached content is octets; it is parsed as XML only when a
    # canonicalization transform asks for a node-set (XML-DSig 4.4.3.2).
    xml_uris = set()
    for reference in references:
        algorithms = [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", NS)]
        if algorithms and algorithms[0] in C14N_METHODS:
            xml_uris.add(reference.get("URI"))
    resolved = {}

    def uri_resolver(uri):
        path = local_file_for_uri(uri, base_dir)
        resolved[uri] = path
        with open(path, "rb") as handle:
            content = handle.read()
        if uri in xml_uris:
            try:
                return etree.fromstring(content, parser=hardened_parser())
            except etree.XMLSyntaxError as exc:
                raise CheckFailed(f"detached content {path} is not XML but reference {uri!r} canonicalizes it: {exc}")
        return content

    methods = set(SignatureMethod)
    digests = set(DigestAlgorithm)
    if not args.allow_sha1:
        methods = {m for m in methods if "SHA1" not in m.name}
        digests = {d for d in digests if "SHA1" not in d.name}
    config = XAdESSignatureConfiguration(
        expect_references=args.expect_references if args.expect_references is not None else True,
        signature_methods=frozenset(m for m in methods if not m.name.startswith("HMAC")),
        digest_algorithms=frozenset(digests),
        verification_time=verification_time,
        # XML-DSig: a same-document reference without a canonicalization
        # transform is canonicalized with C14N 1.0 (signxml defaults to 1.1).
        default_reference_c14n_method=CanonicalizationMethod.CANONICAL_XML_1_0,
    )

    try:
        results = Verifier().verify(
            data, ca_pem_file=root_pem, ee_policy=ee_policy, ca_policy=ca_policy, uri_resolver=uri_resolver,
            parser=hardened_parser(), expect_config=config)
    except CheckFailed as exc:
        raise CheckFailed(str(exc), **result)
    except NotImplementedError as exc:
        raise CheckFailed(f"signxml does not support this signature: NotImplementedError {exc}".rstrip(),
                          unsupported=True, error_type="NotImplementedError", **result)
    except etree.DocumentInvalid as exc:
        raise CheckFailed(f"signxml: the signature is not valid against signxml's bundled XAdES schemas: {exc}",
                          error_type="DocumentInvalid", **result)
    except (SignXMLException, ValueError, CryptographyInvalidSignature, etree.XMLSyntaxError) as exc:
        raise CheckFailed(f"signxml: {type(exc).__name__}: {exc}", error_type=type(exc).__name__, **result)
    if not isinstance(results, list):
        results = [results]

    # XAdES binding that signxml leaves out: the signed properties it found
    # must be this signature's own, in a QualifyingProperties that targets it,
    # and be referenced with the SignedProperties Type.
    binding = []
    own = signature.xpath("ds:Object/xades:QualifyingProperties/xades:SignedProperties", namespaces=NS)
    if len(own) != 1:
        binding.append(f"the signature has {len(own)} xades:SignedProperties in ds:Object/xades:QualifyingProperties")
    else:
        target = own[0].getparent().get("Target")
        sig_id = signature.get("Id")
        if not sig_id or target != "#" + sig_id:
            binding.append(f"QualifyingProperties Target {target!r} does not point at the signature Id {sig_id!r}")
        props_id = own[0].get("Id")
        typed = [r for r in references if props_id and r.get("URI") == "#" + props_id]
        if not typed:
            binding.append(f"no reference to this signature's SignedProperties (Id {props_id!r})")
        elif typed[0].get("Type") != SIGNED_PROPERTIES_TYPE:
            binding.append(f"the SignedProperties reference has Type {typed[0].get('Type')!r}, "
                           f"not {SIGNED_PROPERTIES_TYPE}")
    xades_results = [r for r in results if isinstance(r, XAdESVerifyResult)]
    signed_properties_xml = xades_results[0].signed_xml if xades_results else None
    if signed_properties_xml is not None and len(own) == 1 and signed_properties_xml.get("Id") != own[0].get("Id"):
        binding.append("signxml verified a SignedProperties that is not this signature's own")
    if binding:
        raise CheckFailed("; ".join(binding), **result)

    out_refs = []
    for reference, verified in zip(references, results):
        entry = {
            "uri": reference.get("URI"),
            "type": reference.get("Type"),
            "digest_method": (reference.find("ds:DigestMethod", NS).get("Algorithm")
                              if reference.find("ds:DigestMethod", NS) is not None else None),
            "digest_ok": True,
            "signed_bytes": len(verified.signed_data),
            "signed_sha256": hashlib.sha256(verified.signed_data).hexdigest(),
        }
        if reference.get("URI") in resolved:
            entry["file"] = resolved[reference.get("URI")]
        out_refs.append(entry)

    signed_props = {}
    signing_time = None
    if signed_properties_xml is not None:
        ssp = signed_properties_xml.find("xades:SignedSignatureProperties", NS)
        sdop = signed_properties_xml.find("xades:SignedDataObjectProperties", NS)
        signed_props = {
            "id": signed_properties_xml.get("Id"),
            "SignedSignatureProperties": element_summary(ssp) if ssp is not None else None,
            "SignedDataObjectProperties": element_summary(sdop) if sdop is not None else None,
            "xml": etree.tostring(signed_properties_xml, encoding="unicode"),
        }
        signing_time = text_of(signed_properties_xml.find("xades:SignedSignatureProperties/xades:SigningTime", NS))

    signer = None
    key_pem = results[0].signature_key
    for cert_el in signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS):
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(text_of(cert_el)))
            spki = certificate.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        except Exception:
            continue
        if spki != key_pem:
            continue
        try:
            subject = certificate.subject.rfc4514_string()
        except Exception:  # odd attribute encodings (e.g. Certum's postalAddress)
            subject = None
        signer = {"subject": subject, "serial": format(certificate.serial_number, "X"),
                  "sha256": certificate.fingerprint(hashes.SHA256()).hex()}
        break

    method = signature.find("ds:SignedInfo/ds:SignatureMethod", NS)
    result.update({
        "ok": True,
        "signature_method": None if method is None else method.get("Algorithm"),
        "references": out_refs,
        "signed_properties": signed_props,
        "signing_time": signing_time,
        "signer": signer,
        "base_dir": base_dir,
    })
    return result


# ---------------------------------------------------------------- schema


def shared_dir():
    return os.environ.get("PODPIS_SHARED_DIR") or os.path.normpath(os.path.join(REPO, "..", "shared"))


def standalone_signature(signature):
    """The ds:Signature element as its own document, with every namespace
    declaration in scope where it sits (QName values may rely on them):
    lxml serializes a non-root element with all its in-scope declarations."""
    if signature.getparent() is None:
        return signature
    return etree.fromstring(etree.tostring(signature, with_tail=False), parser=hardened_parser())


def cmd_schema(args):
    data, root = parse_document(args.file)
    chosen, signature, count = choose_signature(root, args.index)
    schemas = os.path.join(shared_dir(), "conformance", "schemas")
    driver = os.path.join(schemas, "local-driver", "xades-132-141.xsd")
    if not os.path.isfile(driver):
        raise UsageError(f"schema driver {driver} not found (set PODPIS_SHARED_DIR to the shared directory)")
    # libxml2 2.9 refuses xs:integer values over 24 digits; real serial numbers reach 48.
    serials = [text_of(s) for s in signature.iter("{%s}X509SerialNumber" % DS)]
    long_serial = any(len(s.lstrip("+-")) > 24 for s in serials if s)
    catalog = os.path.join(schemas, "catalog-relaxed-serial.xml" if long_serial else "catalog.xml")
    result = {"ok": False, "index": chosen, "signature_count": count, "catalog": catalog,
              "whole_document": signature.getparent() is None}
    env = dict(os.environ, XML_CATALOG_FILES=catalog)
    with tempfile.TemporaryDirectory(prefix="xades-schema-") as tmp:
        if signature.getparent() is None:
            target = os.path.abspath(args.file)
        else:
            target = os.path.join(tmp, "signature.xml")
            etree.ElementTree(standalone_signature(signature)).write(target, xml_declaration=True, encoding="UTF-8")
        try:
            run = subprocess.run(["xmllint", "--nonet", "--noout", "--schema", driver, target],
                                 env=env, capture_output=True, text=True, timeout=120)
        except FileNotFoundError:
            raise UsageError("xmllint not found (Debian package libxml2-utils)")
    result["xmllint"] = run.stderr
    result["xmllint_status"] = run.returncode
    if run.returncode != 0:
        raise CheckFailed("the signature is not valid against the XAdES 1.3.2/1.4.1 schemas", **result)
    result["ok"] = True
    return result


# ---------------------------------------------------------------- timestamp


def ber_element(buffer, pos):
    """(tag, start of content, end of content, position after the element) of
    the BER/DER element at pos; indefinite lengths (tokens in the wild use
    them) are followed to their end-of-contents octets."""
    if pos + 2 > len(buffer):
        raise ValueError("truncated BER")
    tag = buffer[pos]
    if tag & 0x1F == 0x1F:
        raise ValueError("high tag numbers are not expected in a TimeStampToken")
    first = buffer[pos + 1]
    pos += 2
    if first == 0x80:
        if not tag & 0x20:
            raise ValueError("indefinite length on a primitive element")
        inner = pos
        while buffer[inner:inner + 2] != b"\x00\x00":
            inner = ber_element(buffer, inner)[3]
        return tag, pos, inner, inner + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        length = int.from_bytes(buffer[pos:pos + count], "big")
        pos += count
    if pos + length > len(buffer):
        raise ValueError("BER length runs past the end")
    return tag, pos, pos + length, pos + length


def ber_children(buffer, start, end):
    out, pos = [], start
    while pos < end:
        tag, cstart, cend, pos = ber_element(buffer, pos)
        out.append((tag, cstart, cend))
    return out


def ber_octets(buffer, tag, start, end):
    """The value of an OCTET STRING, primitive or (BER) constructed."""
    if tag == 0x04:
        return buffer[start:end]
    if tag == 0x24:
        return b"".join(ber_octets(buffer, *child) for child in ber_children(buffer, start, end))
    raise ValueError(f"expected an OCTET STRING, found tag 0x{tag:02x}")


def der_oid(raw):
    values, value = [], 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            values.append(value)
            value = 0
    first = min(values[0] // 40, 2)
    return ".".join(str(v) for v in [first, values[0] - 40 * first] + values[1:])


def tst_info(token):
    """messageImprint (hash OID, digest) and genTime of a TimeStampToken
    (ContentInfo / SignedData / eContent TSTInfo), read with a small BER walk."""
    tag, start, end, _ = ber_element(token, 0)
    content_info = ber_children(token, start, end)
    if tag != 0x30 or len(content_info) < 2 or content_info[1][0] != 0xA0:
        raise ValueError("not a ContentInfo")
    if der_oid(token[content_info[0][1]:content_info[0][2]]) != "1.2.840.113549.1.7.2":
        raise ValueError("not a SignedData ContentInfo")
    explicit = ber_children(token, content_info[1][1], content_info[1][2])
    signed_data = ber_children(token, explicit[0][1], explicit[0][2])
    encap = signed_data[2]
    if encap[0] != 0x30:
        raise ValueError("no encapContentInfo")
    encap_children = ber_children(token, encap[1], encap[2])
    content_type = der_oid(token[encap_children[0][1]:encap_children[0][2]])
    if content_type != "1.2.840.113549.1.9.16.1.4":
        raise ValueError(f"eContentType {content_type} is not id-ct-TSTInfo")
    octets = ber_children(token, encap_children[1][1], encap_children[1][2])[0]
    tst = ber_octets(token, *octets)
    tag, start, end, _ = ber_element(tst, 0)
    fields = ber_children(tst, start, end)
    imprint = ber_children(tst, fields[2][1], fields[2][2])
    algorithm = ber_children(tst, imprint[0][1], imprint[0][2])
    oid = der_oid(tst[algorithm[0][1]:algorithm[0][2]])
    digest = tst[imprint[1][1]:imprint[1][2]]
    gen_time = tst[fields[4][1]:fields[4][2]].decode("ascii") if fields[4][0] == 0x18 else None
    return {"hash_oid": oid, "hash": HASH_OIDS.get(oid), "digest_hex": digest.hex(), "gen_time": gen_time}


def canonicalize_in_document(element, algorithm, inclusive_prefixes=None, comments=None):
    """The canonical form of element's subtree (as a document subset) where it
    sits in its document: inclusive C14N brings in every namespace in scope
    and, for C14N 1.0, the xml:* attributes inherited from ancestors.
    comments=False leaves comments out whatever the algorithm (a same-document
    "#id" reference's node-set has none); None keeps them for the
    #WithComments algorithms."""
    exclusive = algorithm in (EXC_C14N, EXC_C14N_COMMENTS)
    with_comments = algorithm.endswith("WithComments") and comments is not False
    if exclusive:
        return etree.tostring(element, method="c14n", exclusive=True, with_comments=with_comments,
                              inclusive_ns_prefixes=inclusive_prefixes or None)
    inherited = {k: v for k, v in inherited_xml_attributes(element).items() if k not in element.attrib}
    if algorithm in (C14N11, C14N11_COMMENTS):
        # C14N 1.1 does not inherit xml:id and joins xml:base values: not
        # implemented; without those attributes it equals C14N 1.0.
        inherited.pop("{%s}id" % XML_NS, None)
        if "{%s}base" % XML_NS in inherited:
            raise CheckFailed("C14N 1.1 with an inherited xml:base is not supported by this tool")
    if not inherited:
        return etree.tostring(element, method="c14n", exclusive=False, with_comments=with_comments)
    # Re-root a copy (tostring keeps the in-scope namespace declarations) and
    # give it the inherited xml:* attributes.
    copy = etree.fromstring(etree.tostring(element, with_tail=False), parser=hardened_parser())
    for name, value in inherited.items():
        copy.set(name, value)
    return etree.tostring(copy, method="c14n", exclusive=False, with_comments=with_comments)


def stamp_canonicalization(stamp, result):
    """(algorithm, InclusiveNamespaces prefixes or None, whether it was named)
    of a XAdES time-stamp's ds:CanonicalizationMethod; C14N 1.0 when absent."""
    c14n_el = stamp.find("ds:CanonicalizationMethod", NS)
    algorithm = c14n_el.get("Algorithm") if c14n_el is not None else C14N10
    if algorithm not in C14N_METHODS:
        raise CheckFailed(f"unknown canonicalization method {algorithm}", **result)
    prefixes = None
    if c14n_el is not None:
        inc = c14n_el.find("{%s}InclusiveNamespaces" % EXC_C14N)
        if inc is not None:
            prefixes = (inc.get("PrefixList") or "").split()
    return algorithm, prefixes, c14n_el is not None


def encapsulated_token(stamp, result):
    """The DER time-stamp token of a XAdES time-stamp's one xades:EncapsulatedTimeStamp."""
    tokens = stamp.findall("xades:EncapsulatedTimeStamp", NS)
    if len(tokens) != 1:
        raise CheckFailed(f"expected one xades:EncapsulatedTimeStamp, found {len(tokens)}"
                          + (" (XMLTimeStamp is not supported)" if stamp.find("xades:XMLTimeStamp", NS) is not None
                             else ""), **result)
    encoding = tokens[0].get("Encoding")
    if encoding not in (None, "http://uri.etsi.org/01903/v1.2.2#DER"):
        raise CheckFailed(f"EncapsulatedTimeStamp Encoding {encoding} is not DER", **result)
    try:
        return base64.b64decode(re.sub(r"\s+", "", tokens[0].text or ""), validate=True)
    except ValueError as exc:
        raise CheckFailed(f"EncapsulatedTimeStamp is not base64: {exc}", **result)


def compare_imprint(token, stamped, result, what):
    """Reads the token's messageImprint into result and compares it with the
    digest of the stamped octets (CheckFailed when they differ). Returns result."""
    try:
        info = tst_info(token)
    except (ValueError, IndexError) as exc:
        result.update({"ok": True, "message_imprint": None, "imprint_error": str(exc), "imprint_matches": None})
        return result
    result["message_imprint"] = info
    if info["hash"] is None:
        result.update({"ok": True, "imprint_matches": None, "imprint_error": f"unknown hash {info['hash_oid']}"})
        return result
    expected = hashlib.new(info["hash"], stamped).hexdigest()
    result["input_digest_hex"] = expected
    result["imprint_matches"] = expected == info["digest_hex"]
    if not result["imprint_matches"]:
        raise CheckFailed(f"the token's messageImprint ({info['hash']}) is not the digest of {what}", **result)
    result["ok"] = True
    return result


def write_stamped(out_dir, name, stamped, token):
    """Writes what a time-stamp stamps (as NAME) and its token (token.der)
    into OUT_DIR (made if missing); returns both paths."""
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    paths = (os.path.join(out_dir, name), os.path.join(out_dir, "token.der"))
    for path, data in zip(paths, (stamped, token)):
        with open(path, "wb") as handle:
            handle.write(data)
    return paths


def cmd_timestamp(args):
    data, root = parse_document(args.file)
    chosen, signature, count = choose_signature(root, args.index)
    result = {"ok": False, "index": chosen, "signature_count": count}
    stamps = signature.findall(
        "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/"
        "xades:UnsignedSignatureProperties/xades:SignatureTimeStamp", NS)
    result["timestamp_count"] = len(stamps)
    if not stamps:
        raise CheckFailed("the signature has no xades:SignatureTimeStamp", **result)
    stamp = stamps[0]
    if stamp.find("xades:Include", NS) is not None or stamp.find("xades:ReferenceInfo", NS) is not None:
        raise CheckFailed("SignatureTimeStamp with xades:Include/ReferenceInfo (explicit input) is not supported",
                          **result)
    algorithm, prefixes, explicit = stamp_canonicalization(stamp, result)
    token = encapsulated_token(stamp, result)
    values = signature.findall("ds:SignatureValue", NS)
    if len(values) != 1:
        raise CheckFailed(f"expected one ds:SignatureValue, found {len(values)}", **result)
    c14n = canonicalize_in_document(values[0], algorithm, prefixes)

    data_path, token_path = write_stamped(args.out_dir, "signature-value.c14n", c14n, token)
    result.update({
        "timestamp_id": stamp.get("Id"),
        "canonicalization": algorithm,
        "canonicalization_explicit": explicit,
        "data": data_path,
        "token": token_path,
        "sha256": hashlib.sha256(c14n).hexdigest(),
        "c14n_bytes": len(c14n),
    })
    return compare_imprint(token, c14n, result, "the canonical ds:SignatureValue")


# ---------------------------------------------------------------- archive-timestamp
#
# The input of a xades141:ArchiveTimeStamp, EN 319 132-1 §5.5.2.2 (v1.4.1's
# "not distributed" case): the concatenation, in this order, of
#   1. each ds:Reference of ds:SignedInfo, processed as XML-DSig processes it
#      for its digest (dereference, then the transforms); a result that is
#      still a node-set is canonicalized with the time-stamp's method;
#   2. ds:SignedInfo, 3. ds:SignatureValue, 4. ds:KeyInfo when present,
#   5. every child element of UnsignedSignatureProperties before the
#      time-stamp, in document order,
#   6. every ds:Object except the one holding QualifyingProperties,
# each element of 2-6 canonicalized, where it sits, with the time-stamp's
# ds:CanonicalizationMethod. Only the reference forms Podpis writes are
# followed (see reference_octets); any other one is refused by name.

XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
DIGEST_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
    "http://www.w3.org/2001/04/xmldsig-more#sha224": "sha224",
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-256": "sha3_256",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-384": "sha3_384",
    "http://www.w3.org/2007/05/xmldsig-more#sha3-512": "sha3_512",
}
NOT_IN_SIGNATURE = re.compile(r"^not\(ancestor-or-self::([A-Za-z_][\w.-]*):Signature\)$")


def remove_keeping_tail(element):
    """Takes element out of its tree; the text after it stays (lxml's remove
    would take the tail with it)."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def document_without_signatures(data, signature, only_this_one):
    """A fresh copy of the document (parsed again from its octets) without
    every ds:Signature subtree (XPath not(ancestor-or-self::ds:Signature)),
    or without this signature only (the enveloped-signature transform)."""
    # The signature's place among the elements in document order finds it in the copy.
    position = next(n for n, e in enumerate(signature.getroottree().getroot().iter()) if e is signature)
    copy = etree.fromstring(data, parser=hardened_parser())
    tree = copy.getroottree()
    if only_this_one:
        doomed = [e for n, e in enumerate(copy.iter()) if n == position]
        if len(doomed) != 1 or doomed[0].tag != signature.tag or doomed[0].get("Id") != signature.get("Id"):
            raise CheckFailed("cannot find the signature again in a fresh parse of the document")
    else:
        doomed = tree.xpath("//ds:Signature[not(ancestor::ds:Signature)]", namespaces=NS)
    for element in doomed:
        if element.getparent() is None:
            raise CheckFailed("the reference's transforms remove the document element: nothing would be left")
        remove_keeping_tail(element)
    return tree


def canonicalize_document(tree, algorithm, prefixes, comments):
    """The canonical form of a whole document (C14N 1.1 equals 1.0 there:
    no element lacks its ancestors)."""
    exclusive = algorithm in (EXC_C14N, EXC_C14N_COMMENTS)
    with_comments = comments and algorithm.endswith("WithComments")
    return etree.tostring(tree, method="c14n", exclusive=exclusive, with_comments=with_comments,
                          inclusive_ns_prefixes=(prefixes or None) if exclusive else None)


def transform_prefixes(transform):
    inc = transform.find("{%s}InclusiveNamespaces" % EXC_C14N)
    return None if inc is None else (inc.get("PrefixList") or "").split()


def element_by_id(root, identifier):
    found = root.getroottree().xpath("//*[@Id = $id or @ID = $id or @id = $id]", id=identifier)
    if len(found) != 1:
        raise CheckFailed(f"{len(found)} elements have the Id {identifier!r} (one expected)")
    return found[0]


def reference_octets(data, signature, reference, number, method, prefixes, detached_dir):
    """(octets, description) of one ds:Reference as the archive time-stamp
    sees it. Followed: URI "" or "#xpointer(/)" with the XPath filter
    not(ancestor-or-self::ds:Signature) or the enveloped-signature transform,
    then at most one C14N transform; "#id" of this signature's ds:Object or
    SignedProperties with no transform, one C14N transform or the base64
    transform; a relative file name (read from detached_dir) without
    transforms. Anything else raises CheckFailed."""
    uri = reference.get("URI")
    transforms = reference.findall("ds:Transforms/ds:Transform", NS)
    algorithms = [t.get("Algorithm") for t in transforms]
    label = f"reference {number} (URI {uri!r})"

    def refuse(why):
        raise CheckFailed(f"{label}: {why}; this tool follows only the reference forms Podpis writes")

    def c14n_tail(rest):
        """The transforms after the dereference/filter: none (node-set) or one C14N."""
        if not rest:
            return None
        if len(rest) == 1 and rest[0].get("Algorithm") in C14N_METHODS:
            return rest[0]
        refuse("unsupported transforms " + ", ".join(TRANSFORM_NAMES.get(a, a) for a in algorithms))

    if uri is None:
        refuse("no URI attribute")
    if uri in ("", "#xpointer(/)"):
        if not transforms:
            refuse("the whole document without a transform that leaves the signature out")
        first = transforms[0]
        if first.get("Algorithm") == ENVELOPED:
            tree = document_without_signatures(data, signature, only_this_one=True)
            how = "enveloped-signature"
        elif first.get("Algorithm") == XPATH:
            xpaths = first.findall("ds:XPath", NS)
            expression = re.sub(r"\s+", "", xpaths[0].text or "") if len(xpaths) == 1 else ""
            match = NOT_IN_SIGNATURE.match(expression)
            if not match or xpaths[0].nsmap.get(match.group(1)) != DS:
                refuse(f"XPath transform {expression!r} is not not(ancestor-or-self::ds:Signature)")
            tree = document_without_signatures(data, signature, only_this_one=False)
            how = "XPath not(ancestor-or-self::ds:Signature)"
        else:
            refuse(f"the first transform {TRANSFORM_NAMES.get(first.get('Algorithm'), first.get('Algorithm'))} "
                   "is neither the XPath filter nor enveloped-signature")
        # "" leaves the comments out of the node-set, "#xpointer(/)" keeps them.
        comments = uri == "#xpointer(/)"
        c14n = c14n_tail(transforms[1:])
        if c14n is not None:
            return (canonicalize_document(tree, c14n.get("Algorithm"), transform_prefixes(c14n), comments),
                    f"{label}: document, {how}, then {c14n.get('Algorithm')}", True)
        return (canonicalize_document(tree, method, prefixes, comments),
                f"{label}: document, {how}, node-set canonicalized with the time-stamp's method", False)
    if uri.startswith("#xpointer("):
        refuse("XPointer other than #xpointer(/)")
    if uri.startswith("#"):
        target = element_by_id(signature, uri[1:])
        own_objects = signature.findall("ds:Object", NS)
        own_properties = signature.findall("ds:Object/xades:QualifyingProperties/xades:SignedProperties", NS)
        if not any(target is o for o in own_objects + own_properties):
            refuse(f"points at a {local_name(target)} that is neither a ds:Object nor the SignedProperties "
                   "of this signature")
        if len(transforms) == 1 and algorithms[0] == BASE64:
            text = "".join(target.xpath("descendant::text()"))
            try:
                return (base64.b64decode(re.sub(r"\s+", "", text), validate=True),
                        f"{label}: {local_name(target)}, base64-decoded text", True)
            except ValueError as exc:
                raise CheckFailed(f"{label}: the text is not base64: {exc}")
        c14n = c14n_tail(transforms)
        if c14n is not None:
            return (canonicalize_in_document(target, c14n.get("Algorithm"), transform_prefixes(c14n), comments=False),
                    f"{label}: {local_name(target)}, {c14n.get('Algorithm')}", True)
        return (canonicalize_in_document(target, method, prefixes, comments=False),
                f"{label}: {local_name(target)}, node-set canonicalized with the time-stamp's method", False)
    if transforms:
        refuse("a detached reference with transforms")
    path = local_file_for_uri(uri, detached_dir)
    with open(path, "rb") as handle:
        return handle.read(), f"{label}: file {path}", True


def reference_digest_ok(reference, octets):
    """Whether the reference's DigestValue is the digest of octets (a check
    that the reference was followed as its signer did); None when the
    DigestMethod is unknown here."""
    method = reference.find("ds:DigestMethod", NS)
    name = DIGEST_METHODS.get(None if method is None else method.get("Algorithm"))
    if name is None:
        return None
    try:
        expected = base64.b64decode(re.sub(r"\s+", "", text_of(reference.find("ds:DigestValue", NS)) or ""))
    except ValueError:
        return False
    return hashlib.new(name, octets).digest() == expected


def cmd_archive_timestamp(args):
    data, root = parse_document(args.file)
    chosen, signature, count = choose_signature(root, args.index)
    result = {"ok": False, "index": chosen, "signature_count": count, "id": signature.get("Id")}
    properties = signature.findall(
        "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/xades:UnsignedSignatureProperties", NS)
    if len(properties) != 1:
        raise CheckFailed(f"the signature has {len(properties)} xades:UnsignedSignatureProperties (one expected)",
                          **result)
    unsigned = properties[0]
    stamps = unsigned.findall("xades141:ArchiveTimeStamp", NS)
    result["stamp_count"] = len(stamps)
    if not stamps:
        raise CheckFailed("the signature has no xades141:ArchiveTimeStamp", **result)
    chosen_stamp = len(stamps) - 1 if args.stamp is None else args.stamp
    if chosen_stamp < 0:
        chosen_stamp += len(stamps)
    if not 0 <= chosen_stamp < len(stamps):
        raise CheckFailed(f"--stamp {args.stamp} out of range: the signature has {len(stamps)} archive time-stamp(s)",
                          **result)
    stamp = stamps[chosen_stamp]
    result.update({"stamp": chosen_stamp, "stamp_id": stamp.get("Id")})
    if stamp.find("xades:Include", NS) is not None or stamp.find("xades:ReferenceInfo", NS) is not None:
        raise CheckFailed("ArchiveTimeStamp with xades:Include/ReferenceInfo (the distributed case) is not supported",
                          **result)
    algorithm, prefixes, explicit = stamp_canonicalization(stamp, result)
    token = encapsulated_token(stamp, result)
    detached_dir = os.path.abspath(args.detached_dir or os.path.dirname(os.path.abspath(args.file)))

    parts = []  # (octets, description, reference digest check or None)

    def element(node, what):
        parts.append((canonicalize_in_document(node, algorithm, prefixes), what, None))

    def one(path, what, required=True):
        found = signature.findall(path, NS)
        if len(found) > 1 or (required and not found):
            raise CheckFailed(f"expected one {what}, found {len(found)}", **result)
        if found:
            element(found[0], what)

    try:
        # 1. The references, in order, as their digests see them.
        references = signature.findall("ds:SignedInfo/ds:Reference", NS)
        if not references:
            raise CheckFailed("ds:SignedInfo has no ds:Reference")
        for number, reference in enumerate(references):
            octets, what, final = reference_octets(data, signature, reference, number, algorithm, prefixes, detached_dir)
            # Octets (after a C14N or base64 transform, or a file) are what
            # the reference digests: its DigestValue checks them. A node-set
            # is digested in C14N 1.0 but stamped in the time-stamp's method.
            parts.append((octets, what, reference_digest_ok(reference, octets) if final else None))
        # 2-4.
        one("ds:SignedInfo", "ds:SignedInfo")
        one("ds:SignatureValue", "ds:SignatureValue")
        one("ds:KeyInfo", "ds:KeyInfo", required=False)
        # 5. What comes before the time-stamp in UnsignedSignatureProperties.
        for child in unsigned:
            if child is stamp:
                break
            if isinstance(child.tag, str):
                element(child, f"{etree.QName(child).namespace == XADES141 and 'xades141' or 'xades'}:"
                               f"{local_name(child)}" + (f" Id={child.get('Id')}" if child.get("Id") else ""))
        # 6. The other ds:Object elements.
        for number, obj in enumerate(signature.findall("ds:Object", NS)):
            if obj.find("xades:QualifyingProperties", NS) is None:
                element(obj, f"ds:Object {number}" + (f" Id={obj.get('Id')}" if obj.get("Id") else ""))
    except CheckFailed as exc:
        raise CheckFailed(str(exc), **result)

    stamped = b"".join(octets for octets, _, _ in parts)
    input_path, token_path = write_stamped(args.out_dir, "archive-input.bin", stamped, token)
    result.update({
        "canonicalization": algorithm,
        "canonicalization_explicit": explicit,
        "detached_dir": detached_dir,
        "parts": [{"what": what, "bytes": len(octets), "sha256": hashlib.sha256(octets).hexdigest(),
                   **({} if digest_ok is None else {"reference_digest_ok": digest_ok})}
                  for octets, what, digest_ok in parts],
        "data": input_path,
        "token": token_path,
        "input_bytes": len(stamped),
        "sha256": hashlib.sha256(stamped).hexdigest(),
    })
    return compare_imprint(token, stamped, result, "the archive time-stamp input rebuilt here")


# ---------------------------------------------------------------- info


def signature_info(signature):
    signed_info = signature.find("ds:SignedInfo", NS)
    c14n = signed_info.find("ds:CanonicalizationMethod", NS) if signed_info is not None else None
    method = signed_info.find("ds:SignatureMethod", NS) if signed_info is not None else None
    qps = qualifying_properties(signature)
    qp = qps[0] if qps else None
    sp = qp.find("xades:SignedProperties", NS) if qp is not None else None
    ssp = sp.find("xades:SignedSignatureProperties", NS) if sp is not None else None
    sdop = sp.find("xades:SignedDataObjectProperties", NS) if sp is not None else None
    usp = qp.find("xades:UnsignedProperties/xades:UnsignedSignatureProperties", NS) if qp is not None else None

    def names(element):
        return [] if element is None else [local_name(c) for c in element if isinstance(c.tag, str)]

    parent = signature.getparent()
    return {
        "id": signature.get("Id"),
        "position": "root" if parent is None else "inside",
        "parent": None if parent is None else local_name(parent),
        "signed_info_id": None if signed_info is None else signed_info.get("Id"),
        "canonicalization_method": None if c14n is None else c14n.get("Algorithm"),
        "signature_method": None if method is None else method.get("Algorithm"),
        "signature_value_id": (signature.find("ds:SignatureValue", NS).get("Id")
                               if signature.find("ds:SignatureValue", NS) is not None else None),
        "references": [reference_summary(r) for r in signature.findall("ds:SignedInfo/ds:Reference", NS)],
        "key_info_id": (signature.find("ds:KeyInfo", NS).get("Id")
                        if signature.find("ds:KeyInfo", NS) is not None else None),
        "x509_certificates": len(signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)),
        "key_value": signature.find("ds:KeyInfo/ds:KeyValue", NS) is not None,
        "objects": len(signature.findall("ds:Object", NS)),
        "qualifying_properties": len(qps),
        "qualifying_properties_target": None if qp is None else qp.get("Target"),
        "signed_properties_id": None if sp is None else sp.get("Id"),
        "signed_signature_properties": names(ssp),
        "signed_data_object_properties": names(sdop),
        "signing_time": None if ssp is None else text_of(ssp.find("xades:SigningTime", NS)),
        "data_object_formats": [] if sdop is None else [
            {"object_reference": f.get("ObjectReference"),
             "mime_type": text_of(f.find("xades:MimeType", NS)),
             "description": text_of(f.find("xades:Description", NS)),
             "encoding": text_of(f.find("xades:Encoding", NS))}
            for f in sdop.findall("xades:DataObjectFormat", NS)],
        "commitment_types": [] if sdop is None else [
            text_of(c) for c in sdop.findall(
                "xades:CommitmentTypeIndication/xades:CommitmentTypeId/xades:Identifier", NS)],
        "unsigned_signature_properties": names(usp),
        "signature_timestamp": usp is not None and usp.find("xades:SignatureTimeStamp", NS) is not None,
        "counter_signatures": 0 if usp is None else len(usp.findall("xades:CounterSignature", NS)),
    }


def cmd_info(args):
    data, root = parse_document(args.file)
    signatures = top_level_signatures(root)
    result = {"ok": bool(signatures), "root": local_name(root), "root_namespace": etree.QName(root).namespace,
              "signature_count": len(signatures), "signatures": [signature_info(s) for s in signatures]}
    if not signatures:
        raise CheckFailed("no ds:Signature in the document", **result)
    return result


# ---------------------------------------------------------------- main


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def build_parser():
    parser = Parser(prog="xades_check.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    p = sub.add_parser("signxml", help="verify with signxml.xades.XAdESVerifier")
    p.add_argument("file")
    p.add_argument("--root", required=True, help="PEM trust anchor(s)")
    p.add_argument("--ca", action="append", help="PEM intermediate certificate(s), repeatable")
    p.add_argument("--index", type=int)
    p.add_argument("--base-dir", help="directory for detached references (default: the file's)")
    p.add_argument("--expect-references", type=int)
    p.add_argument("--verification-time", help="ISO 8601 time for certificate validity (default: now)")
    p.add_argument("--allow-sha1", action="store_true", help="accept SHA-1 digests and signatures")
    p.set_defaults(handler=cmd_signxml)

    p = sub.add_parser("schema", help="validate against the ETSI XAdES schemas with xmllint")
    p.add_argument("file")
    p.add_argument("--index", type=int)
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("timestamp", help="extract the SignatureTimeStamp input and token")
    p.add_argument("file")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--index", type=int)
    p.set_defaults(handler=cmd_timestamp)

    p = sub.add_parser("archive-timestamp", help="rebuild a xades141:ArchiveTimeStamp's input, extract its token")
    p.add_argument("file")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--index", type=int)
    p.add_argument("--stamp", type=int, help="which archive time-stamp, 0-based, negative from the end (default: last)")
    p.add_argument("--detached-dir", help="directory of detached references (default: the file's)")
    p.set_defaults(handler=cmd_archive_timestamp)

    p = sub.add_parser("info", help="structure of every top-level signature")
    p.add_argument("file")
    p.set_defaults(handler=cmd_info)
    return parser


def main(argv):
    try:
        args = build_parser().parse_args(argv)
        if not os.path.isfile(args.file):
            raise UsageError(f"no such file: {args.file}")
        result = args.handler(args)
    except UsageError as exc:
        emit({"ok": False, "error": str(exc), "usage": True}, 2)
    except CheckFailed as exc:
        out = {"ok": False}
        out.update(exc.extra)
        out["ok"] = False
        out["error"] = str(exc)
        emit(out, 1)
    except Exception as exc:  # a bug here or in a library: never passes for "signature invalid"
        import traceback
        emit({"ok": False, "error": f"internal error: {type(exc).__name__}: {exc}", "internal": True,
              "traceback": traceback.format_exc()}, 2)
    emit(result, 0)


if __name__ == "__main__":
    main(sys.argv[1:])
