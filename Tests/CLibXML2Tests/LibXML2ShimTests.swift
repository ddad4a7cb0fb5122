import CLibXML2
import Foundation
import TestBench
import XCTest

/// The libxml2 shim imports beside Foundation (the ICU clash is switched off)
/// and canonicalises as xmllint does: the ground the XAdES layer will stand on.
final class LibXML2ShimTests: XCTestCase {
    func testExclusiveC14NMatchesXmllint() throws {
        let xml = #"<?xml version="1.0"?><a xmlns:b="urn:b" z="1"   y='2'><b:c>t&amp;x</b:c><!-- c --></a>"#
        let bytes = Array(xml.utf8)
        let doc = try XCTUnwrap(bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "mem.xml", nil, Int32(XML_PARSE_NONET.rawValue))
            }
        })
        defer { xmlFreeDoc(doc) }
        func canonical(withComments: Bool) -> String {
            var output: UnsafeMutablePointer<xmlChar>? = nil
            let length = xmlC14NDocDumpMemory(doc, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, withComments ? 1 : 0, &output)
            XCTAssertGreaterThan(length, 0)
            defer { podpis_xml_free(output) }
            return String(decoding: UnsafeBufferPointer(start: output, count: Int(length)), as: UTF8.self)
        }
        let ours = canonical(withComments: true)

        let dir = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("in.xml")
        try Data(bytes).write(to: file)
        let theirs = try TestBench.run("xmllint", ["--exc-c14n", file.path])
        XCTAssertEqual(ours, theirs)
        // Exclusive C14N declares a namespace where it is visibly used, sorts
        // attributes, normalises quotes and drops the XML declaration.
        XCTAssertEqual(ours, #"<a y="2" z="1"><b:c xmlns:b="urn:b">t&amp;x</b:c><!-- c --></a>"#)
        XCTAssertEqual(canonical(withComments: false), #"<a y="2" z="1"><b:c xmlns:b="urn:b">t&amp;x</b:c></a>"#)
    }
}
