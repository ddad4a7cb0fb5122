import Foundation
import Tar
import TestBench
import XCTest

/// Tar as other tools write and read it: archives made by GNU tar and
/// Python's tarfile (ustar, GNU long names, pax) are read back entry by
/// entry, fed in odd chunk sizes; what TarWriter writes is listed and
/// extracted by GNU tar and Python with the same names, bytes and pax records.
final class TarInteropTests: XCTestCase {
    struct Read: Equatable {
        var entries: [TarEntry] = []
        var data: [String: [UInt8]] = [:]
        var ended = false
    }

    static func read(_ archive: [UInt8], chunk: Int) throws -> Read {
        var reader = TarReader()
        var result = Read()
        var current: String?
        var offset = 0
        while offset < archive.count {
            let end = min(archive.count, offset + chunk)
            let events = try archive[offset..<end].withUnsafeBytes { try reader.feed($0) }
            offset = end
            for event in events {
                switch event {
                case .entry(let entry):
                    result.entries.append(entry)
                    current = entry.name
                    result.data[entry.name] = []
                case .data(let bytes): result.data[current!]! += bytes
                case .entryEnd: current = nil
                case .end: result.ended = true
                }
            }
        }
        try reader.finish()
        return result
    }

    func files(in directory: URL) throws -> [String: [UInt8]] {
        let longName = "zaświadczenie-" + String(repeating: "długa-nazwa-", count: 12) + "koniec.xml"
        let files: [String: [UInt8]] = [
            "a.xml": Array("<a>zażółć gęślą jaźń</a>".utf8),
            "empty.pdf": [],
            "block.bin": (0..<512).map { UInt8($0 % 251) },
            longName: (0..<70_001).map { UInt8(($0 * 7) % 256) },
        ]
        for (name, bytes) in files { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        return files
    }

    func testArchivesOfGNUTarAndPythonAreReadWholeInAnyChunking() throws {
        let directory = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try files(in: directory.appendingPathComponent("in", isDirectory: true).creatingDirectory())
        let names = files.keys.sorted()
        for format in ["gnu", "posix", "ustar-python"] {
            let archive = directory.appendingPathComponent("\(format).tar").path
            if format == "ustar-python" {
                // Python cannot put the long name in ustar: pax for it, ustar for the rest (its default).
                _ = try TestBench.run("python3", ["-c", """
                    import tarfile, sys
                    with tarfile.open(sys.argv[1], "w") as t:
                        for n in sys.argv[3:]: t.add(sys.argv[2] + "/" + n, arcname=n)
                    """, archive, directory.path + "/in"] + names)
            } else {
                _ = try TestBench.run("tar", ["--format=\(format)", "-C", directory.path + "/in", "-cf", archive] + names)
            }
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: archive)))
            for chunk in [1, 511, 512, 4096, 1 << 20] {
                let read = try Self.read(bytes, chunk: chunk)
                XCTAssertEqual(read.entries.map(\.name), names, "\(format), chunks of \(chunk)")
                XCTAssertEqual(read.entries.map(\.size), names.map { files[$0]!.count }, format)
                XCTAssertTrue(read.entries.allSatisfy { $0.kind == .file }, format)
                XCTAssertEqual(read.data, files, "\(format), chunks of \(chunk)")
                XCTAssertTrue(read.ended, format)
            }
        }
    }

    func testWhatTarWriterWritesIsReadByGNUTarAndPythonWithItsPaxRecords() throws {
        let directory = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try files(in: directory)
        var archive: [UInt8] = []
        for name in files.keys.sorted() {
            archive += TarWriter.entry(name: name, data: files[name]!, mtime: 1_790_000_000, pax: ["PODPIS.sha256": "ab" + name.prefix(3)])
        }
        archive += TarWriter.end
        XCTAssertEqual(archive.count % 512, 0)
        let path = directory.appendingPathComponent("ours.tar").path
        try Data(archive).write(to: URL(fileURLWithPath: path))

        let listing = try TestBench.run("tar", ["-tf", path]).split(separator: "\n").map(String.init)
        XCTAssertEqual(listing, files.keys.sorted())
        let out = try directory.appendingPathComponent("out", isDirectory: true).creatingDirectory()
        _ = try TestBench.run("tar", ["-C", out.path, "-xf", path])
        for (name, bytes) in files {
            XCTAssertEqual(Array(try Data(contentsOf: out.appendingPathComponent(name))), bytes, name)
        }
        let python = try TestBench.run("python3", ["-c", """
            import tarfile, sys, json, hashlib
            with tarfile.open(sys.argv[1]) as t:
                print(json.dumps([[m.name, m.size, m.mtime, m.pax_headers.get("PODPIS.sha256"),
                                   hashlib.sha256(t.extractfile(m).read()).hexdigest()] for m in t]))
            """, path])
        let rows = try JSONSerialization.jsonObject(with: Data(python.utf8)) as! [[Any]]
        XCTAssertEqual(rows.map { $0[0] as! String }, files.keys.sorted())
        for row in rows {
            let name = row[0] as! String
            XCTAssertEqual(row[1] as? Int, files[name]!.count)
            XCTAssertEqual(row[2] as? Int, 1_790_000_000)
            XCTAssertEqual(row[3] as? String, "ab" + name.prefix(3))
            let sha = try TestBench.run("sha256sum", [directory.appendingPathComponent(name).path]).prefix(64)
            XCTAssertEqual(row[4] as? String, String(sha))
        }
        // And ours reads it back, pax records included, with where each entry's data is.
        let read = try Self.read(archive, chunk: 100)
        for entry in read.entries {
            XCTAssertEqual(Array(archive[entry.offset..<(entry.offset + entry.size)]), files[entry.name], "offset of \(entry.name)")
        }
        XCTAssertEqual(read.entries.map { $0.pax["PODPIS.sha256"] }, files.keys.sorted().map { "ab" + $0.prefix(3) })
        XCTAssertEqual(read.data, files)
    }

    func testDamagedAndCutArchivesAreRefused() throws {
        let archive = TarWriter.entry(name: "a.xml", data: Array(repeating: 65, count: 1000)) + TarWriter.end
        var damaged = archive
        damaged[10] ^= 0x20  // inside the name: the checksum no longer adds up
        XCTAssertThrowsError(try Self.read(damaged, chunk: 512)) { XCTAssertEqual($0 as? TarError, .badChecksum) }
        // Cut inside the data of its entry.
        XCTAssertThrowsError(try Self.read(Array(archive.prefix(900)), chunk: 512)) { XCTAssertEqual($0 as? TarError, .truncated) }
        // Not tar at all.
        XCTAssertThrowsError(try Self.read(Array(repeating: 0x41, count: 2048), chunk: 512)) { XCTAssertEqual($0 as? TarError, .badChecksum) }
        // A pax record whose length lies.
        var pax = TarWriter.header(name: String(repeating: "n", count: 150), size: 0)
        let recordStart = 512
        pax[recordStart] = UInt8(ascii: "9")
        XCTAssertThrowsError(try Self.read(pax + TarWriter.end, chunk: 512)) { XCTAssertEqual($0 as? TarError, .badPaxRecord) }
        // An extended header over the limit is refused before it is held.
        let huge = TarWriter.header(name: "x", size: 0, pax: ["comment": String(repeating: "z", count: TarReader.metadataLimit)])
        XCTAssertThrowsError(try Self.read(huge, chunk: 4096)) { XCTAssertEqual($0 as? TarError, .tooLong(TarReader.metadataLimit)) }
    }
}

extension TarInteropTests {
    /// Hostile archives: random bytes and a valid archive with bytes flipped,
    /// cut or repeated never crash the reader or make it hold more than its
    /// limit: each is read whole or refused with a TarError.
    func testMangledArchivesAreReadOrRefusedNeverCrash() throws {
        var generator = SystemRandomNumberGenerator()
        let valid = TarWriter.entry(name: String(repeating: "długa-", count: 30) + ".xml", data: Array(repeating: 0x41, count: 3000), pax: ["PODPIS.x": "y"])
            + TarWriter.entry(name: "b.pdf", data: Array(repeating: 0x42, count: 700)) + TarWriter.end
        var refused = 0
        for round in 0..<3000 {
            var bytes = valid
            switch round % 3 {
            case 0:
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            case 1:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            default:
                bytes = (0..<Int.random(in: 0...4096, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            do {
                let read = try Self.read(bytes, chunk: Int.random(in: 1...1024, using: &generator))
                XCTAssertLessThanOrEqual(read.data.values.reduce(0) { $0 + $1.count }, bytes.count, "data never exceeds the input")
            } catch is TarError {
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 1000, "most mangled archives are refused")
    }
}

extension URL {
    func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
