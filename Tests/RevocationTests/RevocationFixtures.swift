import Foundation
import SwiftASN1
import TestBench
import X509
import XCTest

/// Test material made once per test run by the openssl CLI in a temporary
/// directory: a CA ("Revocation Test CA") with `openssl ca`, its end-entity
/// certificates (good, revoked keyCompromise, held certificateHold, unknown
/// to the responder), OCSP responses by `openssl ocsp -index` signed by the
/// CA, a delegated responder with and without id-kp-OCSPSigning, an expired
/// responder and one from another CA; CRLs (plain, onlyContainsCACerts,
/// onlyContainsUserCerts, indirect, a delta, 100 000 entries). Certificate
/// URLs point at the test HTTP server (``TestHTTPServer``) started first.
final class RevocationFixtures: @unchecked Sendable {
    static let shared = Result { try RevocationFixtures() }
    static func get() throws -> RevocationFixtures { try shared.get() }

    let dir: String
    /// Serves the fixture directory; the certificates' AIA and CRL DP URLs point here.
    let server: TestHTTPServer
    /// A second server: the target of a redirect to another port.
    let other: TestHTTPServer

    private init() throws {
        dir = NSTemporaryDirectory() + "podpis-revocation-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        other = try TestHTTPServer(directory: dir, name: "other")
        server = try TestHTTPServer(directory: dir, name: "main", otherPort: other.port, removingDirectory: true)
        let script = dir + "/make.sh"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try TestBench.runCapturing("/bin/bash", [script, dir, String(server.port)], timeout: 300)
        guard result.status == 0 else { throw FixtureFailed(description: "make.sh: \(result.stdout) \(result.stderr)") }
        // the responder's answer and caIssuers' certificate, served by name
        try FileManager.default.copyItem(atPath: dir + "/ca.der", toPath: dir + "/ca.crt")
    }

    struct FixtureFailed: Error, CustomStringConvertible { let description: String }

    func path(_ name: String) -> String { dir + "/" + name }
    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }
    func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
    func certificate(_ name: String) throws -> Certificate { try Certificate(derEncoded: bytes(name + ".der")) }
    var ca: Certificate { get throws { try certificate("ca") } }

    /// The same material for a moment's thought: openssl's own view of a file.
    @discardableResult
    func openssl(_ arguments: [String]) throws -> String { try TestBench.run("openssl", arguments) }

    static let script = #"""
#!/bin/bash
# Revocation fixtures: a CA with openssl ca, CRLs, OCSP responses. $1 = directory, $2 = a port for URLs.
set -euo pipefail
D="$1"; PORT="${2:-9}"
cd "$D"
q() { "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; "$@"; exit 1; }; }
mkca() { # name CN
  mkdir -p "$1/newcerts"; : > "$1/index.txt"; echo 1000 > "$1/serial"; echo 01 > "$1/crlnumber"
  cat > "$1/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $D/$1
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_days = 365
default_crl_days = 7
policy = policy_any
unique_subject = no
email_in_dn = no
[ policy_any ]
commonName = supplied
[ ee ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$PORT/ocsp,caIssuers;URI:http://127.0.0.1:$PORT/ca.crt
crlDistributionPoints = URI:http://127.0.0.1:$PORT/ca.crl
[ ocsp ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
[ noocsp ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
[ subca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[ crl_plain ]
authorityKeyIdentifier = keyid:always
[ crl_ca_only ]
issuingDistributionPoint = critical,@idp_ca
[ idp_ca ]
fullname = URI:http://127.0.0.1:$PORT/ca-only.crl
onlyCA = TRUE
[ crl_user_only ]
issuingDistributionPoint = critical,@idp_user
[ idp_user ]
fullname = URI:http://127.0.0.1:$PORT/user-only.crl
onlyuser = TRUE
[ crl_delta ]
2.5.29.27 = critical,DER:02:01:01
[ crl_indirect ]
issuingDistributionPoint = critical,@idp_indirect
[ idp_indirect ]
fullname = URI:http://127.0.0.1:$PORT/indirect.crl
indirectCRL = TRUE
CNF
  q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/ca.key" -out "$1/ca.pem" \
    -subj "/CN=$2/O=Podpis Test" -days 3650 \
    -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
}
issue() { # ca name extensions [extra ca args]
  local ca="$1" name="$2" ext="$3"; shift 3
  q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$name"
  q openssl ca -batch -config "$ca/ca.cnf" -extensions "$ext" -in "$name.csr" -out "$name.pem" -notext "$@"
}
mkca ca "Revocation Test CA"
mkca other "Other Test CA"
issue ca good ee
issue ca revoked ee
issue ca held ee
issue ca unknown ee
issue ca subca subca
issue ca responder ocsp
issue ca responder-noeku noocsp
issue ca responder-expired ocsp -startdate 20200101000000Z -enddate 20210101000000Z
issue other responder-other ocsp
q openssl ca -config ca/ca.cnf -revoke revoked.pem -crl_reason keyCompromise
q openssl ca -config ca/ca.cnf -revoke held.pem -crl_reason certificateHold -crl_hold holdInstructionReject
# unknown: issued, then dropped from the index so that the responder does not know it
grep -v "CN=unknown" ca/index.txt > ca/index.known; cp ca/index.txt ca/index.all; cp ca/index.known ca/index.txt
q openssl ca -config ca/ca.cnf -gencrl -crlexts crl_plain -out ca.crl.pem
q openssl crl -in ca.crl.pem -outform DER -out ca.crl
for scope in ca_only user_only indirect; do
  q openssl ca -config ca/ca.cnf -gencrl -crlexts crl_$scope -out $scope.crl.pem
  q openssl crl -in $scope.crl.pem -outform DER -out $scope.crl
done
# a delta over ca.crl (CRL number 1): the hold on "held" lifted (removeFromCRL), "good" newly revoked
grep "CN=held" ca/index.txt | sed 's/,holdInstruction,holdInstructionReject/,removeFromCRL/' > ca/index.delta
grep "CN=good" ca/index.txt | sed 's/^V\t\([0-9Z]*\)\t\t/R\t\1\t261201000000Z,superseded\t/' >> ca/index.delta
sed "s|^database = .*|database = \\\$dir/index.delta|" ca/ca.cnf > ca/delta.cnf
q openssl ca -config ca/delta.cnf -gencrl -crlexts crl_delta -out delta.crl.pem
q openssl crl -in delta.crl.pem -outform DER -out delta.crl
openssl crl -in delta.crl -inform DER -text -noout > delta.crl.txt
# a large CRL: 100 000 entries (openssl ca from a generated index)
python3 - <<'PY'
with open("ca/index.large", "w") as f:
    for i in range(100000):
        f.write("R\t300101000000Z\t260101000000Z,keyCompromise\t%06X\tunknown\t/CN=bulk%d\n" % (0x200000 + i, i))
PY
sed "s|^database = .*|database = \\\$dir/index.large|" ca/ca.cnf > ca/large.cnf
q openssl ca -config ca/large.cnf -gencrl -crlexts crl_plain -out large.crl.pem
q openssl crl -in large.crl.pem -outform DER -out large.crl
rm large.crl.pem
q openssl ca -config other/ca.cnf -gencrl -out other.crl.pem
q openssl crl -in other.crl.pem -outform DER -out other.crl
for f in ca other; do q openssl x509 -in $f/ca.pem -outform DER -out $f.der; done
for f in good revoked held unknown subca responder responder-noeku responder-expired responder-other; do
  q openssl x509 -in $f.pem -outform DER -out $f.der
done
# OCSP: requests by openssl (sha1 and sha256 CertIDs), answers by openssl ocsp from the index
ocsp() { # out cert signer signerkey [hash] [extra]
  local out="$1" cert="$2" rsigner="$3" rkey="$4" hash="${5:--sha1}"; shift 5 || shift $#
  q openssl ocsp -issuer ca/ca.pem $hash -cert "$cert.pem" -no_nonce -reqout "$out.req"
  q openssl ocsp -index ca/index.txt -rsigner "$rsigner" -rkey "$rkey" -CA ca/ca.pem -reqin "$out.req" -respout "$out.der" -ndays 2 "$@"
}
ocsp ocsp-good good ca/ca.pem ca/ca.key -sha1
ocsp ocsp-good-sha256 good ca/ca.pem ca/ca.key -sha256
ocsp ocsp-revoked revoked ca/ca.pem ca/ca.key -sha1
ocsp ocsp-held held ca/ca.pem ca/ca.key -sha1
ocsp ocsp-unknown unknown ca/ca.pem ca/ca.key -sha1
ocsp ocsp-delegated good responder.pem responder.key -sha256
ocsp ocsp-delegated-bykey good responder.pem responder.key -sha1 -resp_key_id
ocsp ocsp-noeku good responder-noeku.pem responder-noeku.key -sha1
ocsp ocsp-expired-responder good responder-expired.pem responder-expired.key -sha1
ocsp ocsp-other-ca good responder-other.pem responder-other.key -sha1
ocsp ocsp-nocerts good responder.pem responder.key -sha1 -resp_no_certs
# a nonce echoed
q openssl ocsp -issuer ca/ca.pem -cert good.pem -reqout ocsp-nonce.req
q openssl ocsp -index ca/index.txt -rsigner ca/ca.pem -rkey ca/ca.key -CA ca/ca.pem -reqin ocsp-nonce.req -respout ocsp-nonce.der -ndays 2
# texts for cross-checks
for f in ocsp-good ocsp-revoked ocsp-held ocsp-unknown ocsp-nonce ocsp-delegated; do
  openssl ocsp -respin $f.der -resp_text -noverify > $f.txt 2>/dev/null
done
openssl crl -in ca.crl -inform DER -text -noout > ca.crl.txt
openssl ocsp -reqin ocsp-nonce.req -req_text > ocsp-nonce.req.txt
echo done
"""#
}

/// Parses openssl's "Dec  6 20:11:37 2026 GMT" dates.
func opensslDate(_ text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
    let squeezed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    return formatter.date(from: squeezed)
}

/// The value after "Label: " on the first line of `text` that has it.
func field(_ label: String, in text: String) -> String? {
    for line in text.split(separator: "\n") {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix(label + ":") {
            return trimmed.dropFirst(label.count + 1).trimmingCharacters(in: .whitespaces)
        }
    }
    return nil
}

func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02X", $0) }.joined() }
