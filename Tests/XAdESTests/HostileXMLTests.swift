import Files
import Foundation
import Signing
import SigningFixtures
import TestBench
import XAdES
import XCTest

/// Hostile or broken XML is refused by the parser with its own code, before
/// a signer exists: the token is never asked to sign.
final class HostileXMLTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try TestBench.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The inputs of the issue, each with the error code it must get.
    static func hostileInputs() -> [(name: String, bytes: [UInt8], code: String)] {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
            ]>
            <lolz>&lol9;</lolz>
            """
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE wniosek [ <!ENTITY sekret SYSTEM "file:///etc/passwd"> ]>
            <wniosek>&sekret;</wniosek>
            """
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        // "zażółć gęślą jaźń" in ISO-8859-2, no encoding declaration.
        let latin2: [UInt8] = Array("<?xml version=\"1.0\"?>\n<a>za".utf8) + [0xBF, 0xF3, 0xB3, 0xE6, 0x20, 0x67, 0xEA, 0xB6, 0x6C, 0xB1] + Array("</a>\n".utf8)
        return [
            ("billion-laughs.xml", Array(laughs.utf8), "xml-entity"),
            ("xxe.xml", Array(xxe.utf8), "xml-external-entity"),
            ("external-dtd.xml", Array(#"<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd"><a/>"#.utf8), "xml-external-entity"),
            ("doctype.xml", Array("<!DOCTYPE a><a/>".utf8), "xml-doctype"),
            ("deep.xml", Array(deep.utf8), "xml-too-deep"),
            ("latin2.xml", latin2, "xml-encoding"),
            ("scan.pdf.xml", Array("%PDF-1.7\n%\u{e2}\u{e3}\n1 0 obj".utf8), "xml-not-xml"),
            ("empty.xml", [], "xml-empty"),
            ("broken.xml", Array("<a><b></a>".utf8), "xml-malformed"),
        ]
    }

    func testEachHostileInputGetsItsOwnError() throws {
        for input in Self.hostileInputs() {
            let path = try XAdESFixtures.write(input.bytes, dir, input.name)
            XCTAssertThrowsError(try XMLDocument.parse(file: InputFile(path: path)), input.name) { error in
                let refused = error as? XMLInputError
                XCTAssertEqual(refused?.code, input.code, "\(input.name): \(error)")
                // The sentence names the file and never echoes a file's content.
                XCTAssertTrue(refused?.message.en.contains(input.name) ?? false, "\(input.name): \(error)")
                XCTAssertFalse("\(error)".contains("root:x:0"), "\(input.name) leaked /etc/passwd")
            }
            // The same from memory.
            XCTAssertThrowsError(try XMLDocument.parse(bytes: input.bytes, name: input.name)) { error in
                XCTAssertEqual((error as? XMLInputError)?.code, input.code, input.name)
            }
        }
    }

    func testWindows1250WithADeclarationIsAcceptedAndKeepsItsEncoding() throws {
        let bytes: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"windows-1250\"?>\n<a>za".utf8) + [0xBF, 0xF3, 0xB3, 0xE6] + Array("</a>\n".utf8)
        let document = try XMLDocument.parse(bytes: bytes, name: "cp1250.xml")
        let out = String(decoding: document.serialized(), as: UTF8.self)
        XCTAssertTrue(out.lowercased().contains("encoding=\"windows-1250\""), out)
    }

    func testSizeAndNodeLimits() throws {
        let many = "<a>" + String(repeating: "<b x=\"1\"/>", count: 600) + "</a>"
        XCTAssertThrowsError(try XMLDocument.parse(bytes: Array(many.utf8), name: "many.xml", limits: XMLParseLimits(maximumNodes: 1000))) {
            XCTAssertEqual(($0 as? XMLInputError)?.code, "xml-too-many-nodes")
        }
        XCTAssertNoThrow(try XMLDocument.parse(bytes: Array(many.utf8), name: "many.xml", limits: XMLParseLimits(maximumNodes: 1300)))
        let big = "<a>" + String(repeating: "x", count: 3 << 20) + "</a>"
        XCTAssertThrowsError(try XMLDocument.parse(bytes: Array(big.utf8), name: "big.xml", limits: XMLParseLimits(maximumBytes: 2 << 20))) {
            XCTAssertEqual(($0 as? XMLInputError)?.code, "xml-too-large")
        }
        // 200 levels are fine, 201 are not.
        let ok = String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
        XCTAssertNoThrow(try XMLDocument.parse(bytes: Array(ok.utf8), name: "ok.xml"))
        let tooDeep = String(repeating: "<a>", count: 201) + String(repeating: "</a>", count: 201)
        XCTAssertThrowsError(try XMLDocument.parse(bytes: Array(tooDeep.utf8), name: "deep.xml")) {
            XCTAssertEqual(($0 as? XMLInputError)?.code, "xml-too-deep")
        }
    }

    /// A signature file is not a document to sign enveloped.
    func testASignatureFileIsNotSignedEnveloped() async throws {
        let path = XAdESFixtures.samples.appendingPathComponent("dss/xades-lta-valid.xml").path
        let document = try XMLDocument.parse(file: InputFile(path: path))
        let counter = TokenSigners.Counter()
        let signer = try Signer(certificateDER: TokenSigners.der(of: TestBench.pki("seal.pem")), algorithm: .rsaPKCS1v15(.sha256)) { _ in
            counter.signs += 1
            return []
        }
        do {
            _ = try await XAdES.signEnveloped(document, signer: signer, options: XAdESOptions())
            XCTFail("signed a signature file")
        } catch {
            XCTAssertEqual((error as? XMLInputError)?.code, "xml-signature-file")
        }
        XCTAssertEqual(counter.signs, 0)
    }
}
