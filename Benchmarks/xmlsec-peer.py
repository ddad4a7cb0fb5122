"""VerificationBenchmark's one-process XAdES peer: python-xmlsec (libxmlsec1)
verifies the XML signature and the certificate chain to the bench's root, no
lists, no revocation, no XAdES rules. Prints: seconds per document, documents
verified, documents tried, the last error.

    python3 xmlsec-peer.py FOLDER COUNT PKI_DIR
"""
import glob
import sys
import time

import xmlsec
from lxml import etree

folder, count, pki = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(glob.glob(folder + "/*"))[:count]
manager = xmlsec.KeysManager()
manager.load_cert(pki + "/root.pem", xmlsec.constants.KeyDataFormatPem, xmlsec.constants.KeyDataTypeTrusted)
manager.load_cert(pki + "/ca.pem", xmlsec.constants.KeyDataFormatPem, xmlsec.constants.KeyDataTypeNone)
verified, last = 0, ""
start = time.monotonic()
for name in files:
    # From bytes: lxml's parse(file) fails on the second file once xmlsec has run.
    with open(name, "rb") as handle:
        tree = etree.fromstring(handle.read())
    xmlsec.tree.add_ids(tree, ["Id"])
    node = xmlsec.tree.find_node(tree, xmlsec.constants.NodeSignature)
    try:
        xmlsec.SignatureContext(manager).verify(node)
        verified += 1
    except Exception as error:  # noqa: BLE001 - a peer's failure is reported, not raised
        last = repr(error)
print((time.monotonic() - start) / max(len(files), 1), verified, len(files), last)
