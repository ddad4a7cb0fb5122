import Crypto
import Files
import Foundation
@testable import SealService
@testable import Sealing
@testable import Station
import SignatureAlgorithms
import TestBench
import XCTest

/// A batch's seals kept many to a file: what is committed is found again
/// after a restart, byte for byte; a tail cut or damaged by a power loss
/// ends what is taken from that pack and nothing before it; a new run
/// writes a pack of its own; GNU tar reads the packs.
final class SealPacksTests: ScratchDirectoryTestCase {
    static func seal(_ index: Int) -> [UInt8] {
        Array("<Signature nr=\"\(index)\">\(String(repeating: "żółw ", count: 100 + 37 * index))</Signature>".utf8)
    }

    static func result(_ index: Int) -> SealResult {
        var result = SealResult(name: "z-\(index).xml", sha256: String(repeating: "0\(index % 10)", count: 32), size: 1000 + index, state: .sealed)
        result.method = .xadesEnveloped
        result.output = "z-\(index).xml.xades"
        return result
    }

    func commit(_ packs: SealPacks, _ indices: Range<Int>) async throws {
        for index in indices { try await packs.commit(Self.seal(index), as: "z-\(index).xml.xades", for: Self.result(index)) }
    }

    func testSealsAreFoundAgainAfterARestartByteForByte() async throws {
        let packs = SealPacks(directory: directory)
        try await commit(packs, 0..<5)
        do {
            try await packs.commit([1, 2, 3], as: "z-1.xml.xades", for: Self.result(1))
            XCTFail("a name committed twice")
        } catch let error as FileError {
            XCTAssertEqual(error.kind, .exists)
        }
        let again = SealPacks(directory: directory)
        for index in 0..<5 {
            let location = try XCTUnwrap(again.location("z-\(index).xml.xades"))
            XCTAssertEqual(try again.bytes(at: location), Self.seal(index))
            XCTAssertTrue(again.contains("z-\(index).xml.xades"))
            // With the SHA-256 recorded at the commit, as GET …/seal sends it in X-Podpis-Seal-SHA256.
            let (bytes, recorded) = try again.sealWithRecord(at: location)
            XCTAssertEqual(bytes, Self.seal(index))
            XCTAssertEqual(recorded, SHA256.hash(data: Self.seal(index)).hexString)
        }
        XCTAssertFalse(again.contains("z-5.xml.xades"))
        // The restarted run writes a pack of its own.
        try await commit(again, 5..<7)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(), ["pack-1.tar", "pack-2.tar"])
        XCTAssertEqual(SealPacks.read(pack: directory + "/pack-2.tar").map(\.0), ["z-5.xml.xades", "z-6.xml.xades"])

        // GNU tar lists them and extracts the seals with their records.
        let listed = try TestBench.run("tar", ["-tf", directory + "/pack-1.tar"])
        XCTAssertEqual(listed.split(separator: "\n").map(String.init), (0..<5).map { "z-\($0).xml.xades" })
        let out = directory + "/x"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        _ = try TestBench.run("tar", ["-C", out, "-xf", directory + "/pack-1.tar"])
        XCTAssertEqual(FileManager.default.contents(atPath: out + "/z-3.xml.xades").map(Array.init), Self.seal(3))

        // A stream entry is the pack's entry: records of the document and the seal's SHA-256.
        let entry = try again.entry(at: try XCTUnwrap(again.location("z-2.xml.xades")))
        let text = String(decoding: entry, as: UTF8.self)
        XCTAssertTrue(text.contains("SCHILY.xattr.user.podpis.document=z-2.xml\n"), text)
        XCTAssertTrue(text.contains("SCHILY.xattr.user.podpis.seal-sha256=\(SHA256.hash(data: Self.seal(2)).hexString)\n"))
        XCTAssertEqual(entry.count % 512, 0)
    }

    func testACutOrDamagedTailEndsWhatIsTakenFromThatPackOnly() async throws {
        try await commit(SealPacks(directory: directory), 0..<4)
        let path = directory + "/pack-1.tar"
        let whole = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let locations = SealPacks.read(pack: path)
        XCTAssertEqual(locations.count, 4)

        // Cut in the middle of the last seal: the first three stand.
        let cutAt = locations[3].1.dataStart + 10
        try whole.prefix(cutAt).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(SealPacks.read(pack: path).map(\.0), ["z-0.xml.xades", "z-1.xml.xades", "z-2.xml.xades"])

        // A byte of the second seal changed (written, never fsynced): the first stands.
        var damaged = whole
        damaged[locations[1].1.dataStart + 3] ^= 0x20
        try damaged.write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(SealPacks.read(pack: path).map(\.0), ["z-0.xml.xades"])

        // Zeros where the last seal's blocks were (a power cut before they reached the disk).
        var zeroed = whole
        zeroed.replaceSubrange(locations[3].1.entryStart..<zeroed.count, with: [UInt8](repeating: 0, count: zeroed.count - locations[3].1.entryStart))
        try zeroed.write(to: URL(fileURLWithPath: path))
        let restarted = SealPacks(directory: directory)
        XCTAssertTrue(restarted.contains("z-2.xml.xades"))
        XCTAssertFalse(restarted.contains("z-3.xml.xades"), "sealed again by the next run, into its own pack")
        try await commit(restarted, 3..<4)
        XCTAssertEqual(try restarted.bytes(at: try XCTUnwrap(restarted.location("z-3.xml.xades"))), Self.seal(3))
        XCTAssertEqual(try XCTUnwrap(restarted.location("z-3.xml.xades")).path, directory + "/pack-2.tar")
    }

    /// kill -9 can stop a write midway: the torn entry is cut off the pack
    /// at the next start, so GNU tar still reads every pack.
    func testATornTailIsCutOffThePackSoThatTarReadsItAgain() async throws {
        try await commit(SealPacks(directory: directory), 0..<4)
        let path = directory + "/pack-1.tar"
        let whole = try XCTUnwrap(FileManager.default.contents(atPath: path))
        let locations = SealPacks.read(pack: path)
        try whole.prefix(locations[3].1.dataStart + 10).write(to: URL(fileURLWithPath: path))
        XCTAssertNotEqual(try TestBench.runCapturing("tar", ["-tf", path]).status, 0, "GNU tar refuses a torn entry")

        let restarted = SealPacks(directory: directory)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, locations[2].1.entryEnd)
        let listed = try TestBench.runCapturing("tar", ["-tf", path])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertEqual(listed.stdout.split(separator: "\n"), ["z-0.xml.xades", "z-1.xml.xades", "z-2.xml.xades"])
        XCTAssertEqual(try restarted.bytes(at: try XCTUnwrap(restarted.location("z-2.xml.xades"))), Self.seal(2))
    }

    func testManyCommitsAtOnceShareTheirFsyncAndAllArrive() async throws {
        let packs = SealPacks(directory: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 { group.addTask { try await packs.commit(Self.seal(index), as: "z-\(index).xml.xades", for: Self.result(index)) } }
            try await group.waitForAll()
        }
        let read = SealPacks.read(pack: directory + "/pack-1.tar")
        XCTAssertEqual(Set(read.map(\.0)), Set((0..<200).map { "z-\($0).xml.xades" }))
        XCTAssertEqual(read.count, 200)
        for (name, location) in read {
            let index = Int(name.dropFirst(2).prefix { $0.isNumber })!
            XCTAssertEqual(try packs.bytes(at: location), Self.seal(index))
        }
    }
}
