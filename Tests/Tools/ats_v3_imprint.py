#!/usr/bin/env python3
"""Recomputes, independently of Podpis, what an archive-time-stamp-v3 of a
CAdES signature stamps (ETSI EN 319 122-1 §5.5.3) and prints the hex message
imprint it must carry: the hash, with the token's imprint algorithm, of

  1. SignedData.encapContentInfo.eContentType as encoded (tag, length, value),
  2. the hash of the signed content (eContent, or the file given with
     --content for a detached signature),
  3. the SignerInfo's fields version ... signature as encoded in the file
     (every field but [1] unsignedAttrs), in order,
  4. the ats-hash-index-v3 value (0.4.0.19122.1.5) in the token's own
     unsigned attributes, as encoded.

Structures are read with asn1crypto (Debian's python3-asn1crypto); the
fields of 3 and the attribute values are taken as raw TLVs with its parser,
so BER input is hashed as it was written.

Usage: ats_v3_imprint.py FILE [--content DOC] [--signer N] [--which N]
                         [--token-out PATH] [--json]
  --signer N     the Nth top-level SignerInfo (1-based, file order; default 1)
  --which N      the Nth archive-time-stamp-v3 value of that signer (1-based,
                 file order; default: the last)
  --token-out P  also write that time-stamp token (DER) to P
  --json         print {"imprint", "tokenImprint", "algorithm", "unmatched"}:
                 "unmatched" names each index entry that no certificate,
                 revocation value or unsigned attribute value (hash of the
                 encoded attrType followed by the encoded value) of the file
                 matches now, e.g. "certificate #3".
Exit 0 with the imprint; 1 when the file has no such time-stamp or index.
"""

import argparse
import hashlib
import json
import sys

from asn1crypto import algos, cms, core, parser, tsp

ARCHIVE_TIME_STAMP_V3 = "0.4.0.1733.2.4"
ATS_HASH_INDEX_V3 = "0.4.0.19122.1.5"


class Hashes(core.SequenceOf):
    _child_spec = core.OctetString


class Fields(core.SequenceOf):
    _child_spec = core.Any


def children(encoded):
    """The raw TLVs inside one encoded constructed element."""
    _, _, _, _, contents, _ = parser.parse(encoded)
    out = []
    while contents:
        class_, method, tag, header, inner, trailer = parser.parse(contents, strict=False)
        size = len(header) + len(inner) + len(trailer)
        out.append((class_, tag, contents[:size]))
        contents = contents[size:]
    return out


def unsigned_attributes(signer_info):
    """[(attrType OID dotted, attrType TLV, [value TLVs])] of a SignerInfo, raw."""
    result = []
    for class_, tag, tlv in children(signer_info):
        if class_ == 2 and tag == 1:
            for _, _, attribute in children(tlv):
                parts = children(attribute)
                oid = core.ObjectIdentifier.load(parts[0][2]).dotted
                result.append((oid, parts[0][2], [value for _, _, value in children(parts[1][2])]))
    return result


def stamped_fields(signer_info):
    return b"".join(tlv for class_, tag, tlv in children(signer_info) if not (class_ == 2 and tag == 1))


def main():
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("file")
    options.add_argument("--content")
    options.add_argument("--signer", type=int, default=1)
    options.add_argument("--which", type=int)
    options.add_argument("--token-out")
    options.add_argument("--json", action="store_true")
    args = options.parse_args()

    data = open(args.file, "rb").read()
    signed = cms.ContentInfo.load(data)["content"]
    signer_info = signed["signer_infos"][args.signer - 1].dump()
    attributes = unsigned_attributes(signer_info)
    tokens = [value for oid, _, values in attributes if oid == ARCHIVE_TIME_STAMP_V3 for value in values]
    if not tokens:
        sys.exit("no archive-time-stamp-v3")
    token = tokens[-1] if args.which is None else tokens[args.which - 1]
    if args.token_out:
        with open(args.token_out, "wb") as out:
            out.write(token)

    token_signed = cms.ContentInfo.load(token)["content"]
    info = tsp.TSTInfo.load(bytes(token_signed["encap_content_info"]["content"]))
    algorithm = info["message_imprint"]["hash_algorithm"]["algorithm"].native
    index_values = [values for oid, _, values in unsigned_attributes(token_signed["signer_infos"][0].dump())
                    if oid == ATS_HASH_INDEX_V3]
    if len(index_values) != 1 or len(index_values[0]) != 1:
        sys.exit("the token holds no single ats-hash-index-v3")
    index = index_values[0][0]

    encap = signed["encap_content_info"]
    if args.content:
        content = open(args.content, "rb").read()
    elif not isinstance(encap["content"], core.Void):
        content = bytes(encap["content"])  # the octets, whatever their type
    else:
        sys.exit("detached signature: give --content")

    stamped = (encap["content_type"].dump() + hashlib.new(algorithm, content).digest()
               + stamped_fields(signer_info) + index)
    imprint = hashlib.new(algorithm, stamped).hexdigest()
    if not args.json:
        print(imprint)
        return

    # The index's entries against what the file holds now.
    fields = list(Fields.load(index))
    index_algorithm = "sha256"
    if len(fields) == 4:
        index_algorithm = algos.DigestAlgorithm.load(fields.pop(0).dump())["algorithm"].native
    lists = [[entry.native for entry in Hashes.load(field.dump())] for field in fields]

    def digest(raw):
        return hashlib.new(index_algorithm, raw).digest()

    def raw_members(name):
        # SignedData's [0] certificates / [1] crls, each member as encoded.
        signed_data = children(children(data)[1][2])[0][2]  # ContentInfo [0] EXPLICIT SignedData
        for class_, tag, tlv in children(signed_data):
            if class_ == 2 and tag == {"certificates": 0, "crls": 1}[name]:
                return [member for _, _, member in children(tlv)]
        return []

    present = [
        {digest(c) for c in raw_members("certificates")},
        {digest(c) for c in raw_members("crls")},
        {digest(type_tlv + value) for _, type_tlv, values in attributes for value in values},
    ]
    unmatched = []
    for name, entries, now in zip(["certificate", "revocation value", "unsigned attribute value"], lists, present):
        unmatched += ["%s #%d" % (name, number + 1) for number, entry in enumerate(entries) if entry not in now]
    print(json.dumps({
        "imprint": imprint,
        "tokenImprint": info["message_imprint"]["hashed_message"].native.hex(),
        "algorithm": algorithm,
        "unmatched": unmatched,
    }))


if __name__ == "__main__":
    main()
