import Foundation
import Localization
import TestBench
import XCTest

/// The message catalogs: lookups fill placeholders in each language, and
/// `Tests/Tools/check_messages.py` passes on the tree and reports each kind
/// of fault in a tree seeded with it.
final class MessageCatalogTests: XCTestCase {
    let catalog = MessageCatalog(json: Array(#"""
        {
          "greeting": { "title": "Greeting", "pl": "Dzień dobry, {name}: {count} pism ({state}).", "en": "Good day, {name}: {count} letters ({state})." },
          "path": { "pl": "Ścieżka /v1/batches/{{id}/{id}.", "en": "Path /v1/batches/{{id}/{id}." },
          "state-open": { "pl": "otwarta", "en": "open" }
        }
        """#.utf8))

    func testPlaceholdersAreFilledInEachLanguageWithThatLanguagesArgument() {
        let text = catalog.text("greeting", ["name": "Anna", "count": 3, "state": catalog.text("state-open")])
        XCTAssertEqual(text.pl, "Dzień dobry, Anna: 3 pism (otwarta).")
        XCTAssertEqual(text.en, "Good day, Anna: 3 letters (open).")
    }

    func testADoubledBraceIsALiteralBraceAndNoPlaceholder() {
        XCTAssertEqual(MessageCatalog.placeholders("/v1/batches/{{id}/{id} {Name} {a b}"), ["id"])
        XCTAssertEqual(catalog.text("path", ["id": "7"]).en, "Path /v1/batches/{id}/7.")
    }

    func testASentenceCarriesItsKeyAndTitle() {
        let sentence = catalog.sentence("greeting", ["name": "A", "count": 1, "state": "x"])
        XCTAssertEqual(sentence.key, "greeting")
        XCTAssertEqual(sentence.title, "Greeting")
        XCTAssertEqual(sentence.text.en, "Good day, A: 1 letters (x).")
    }

    func testAMissingKeyOrArgumentShowsWhatIsMissingInsteadOfStopping() {
        XCTAssertEqual(catalog.text("no-such", ["b": "2", "a": 1]).en, "no-such a=1 b=2")
        XCTAssertEqual(catalog.text("greeting", ["name": "A"]).en, "Good day, A: {count} letters ({state}).")
        XCTAssertEqual(MessageCatalog(json: Array("not json".utf8)).text("x").pl, "x")
    }

    func testAKindWithoutItsSentenceOrWithAnotherPlaceholderIsFound() {
        XCTAssertEqual(SampleKind.kindsWithoutSentence, [.missing, .otherPlaceholder])
        XCTAssertEqual(SampleKind.fine.message("x").en, "Detail: x, {brace}.")
    }

    // MARK: check_messages.py

    func testEveryCatalogOfTheTreeIsCompleteAndMatchesTheCode() throws {
        try TreeCheck.assertPasses("check_messages.py")
    }

    func testEachKindOfFaultIsReportedWithItsPlace() throws {
        let tree = try TestBench.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tree) }
        try write("""
            let messages: [Resource] = [.embedInCode("messages.json")]
            let package = Package(name: "T", targets: [
                .target(name: "Good", resources: messages),
                .target(name: "Bad", resources: messages),
                .target(name: "Plain"),
            ])
            """, "Package.swift", in: tree)
        let messagesSwift = "let messages = MessageCatalog(json: PackageResources.messages_json)\n"
        try write(#"{ "hello": { "pl": "Witaj, {name}.", "en": "Hello, {name}." } }"#, "Sources/Good/messages.json", in: tree)
        try write(messagesSwift, "Sources/Good/Messages.swift", in: tree)
        try write(#"let a = messages.text("hello", ["name": n])"#, "Sources/Good/A.swift", in: tree)
        try write(#"""
            { "mismatch": { "pl": "{a} i {b}", "en": "{a} and {c}" },
              "untitled": { "pl": "x", "en": "x" },
              "unused": { "pl": "x", "en": "x" },
              "english-only": { "en": "x" },
              "half.found": { "pl": "{a}", "en": "{a}" },
              "half.why": { "pl": "{b}", "en": "{b}" } }
            """#, "Sources/Bad/messages.json", in: tree)
        try write(messagesSwift, "Sources/Bad/Messages.swift", in: tree)
        try write(#"""
            let a = messages.text("mismatch", ["a": 1, "b": 2, "c": 3])
            let b = messages.sentence("untitled")
            let c = messages.text("absent")
            let d = "english-only"
            let e = messages.finding("half", ["a": 1, "b": 2])
            """#, "Sources/Bad/B.swift", in: tree)
        try write(#"{}"#, "Sources/Plain/messages.json", in: tree)
        try write(#"let e = messages.text("x")"#, "Sources/Plain/C.swift", in: tree)

        let result = try TreeCheck.run("check_messages.py", [tree.path])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init), [
            "Sources/Bad/messages.json: mismatch: placeholders differ: pl {a, b}, en {a, c}",
            "Sources/Bad/messages.json: english-only: needs a non-empty \"pl\" and \"en\"",
            "Sources/Bad/B.swift:1: \"mismatch\" is given {a, b, c} but its sentence names {a, b}",
            "Sources/Bad/B.swift:2: messages.sentence(\"untitled\") needs a \"title\" in Sources/Bad/messages.json",
            "Sources/Bad/B.swift:3: \"absent\" is not in Sources/Bad/messages.json",
            "Sources/Bad/B.swift:5: \"half.fix\" is not in Sources/Bad/messages.json",
            "Sources/Bad/messages.json: unused: unused (no string literal \"unused\" in Bad)",
            "Package.swift: Plain has messages.json but does not embed it (resources: messages)",
            "Sources/Plain: messages.json without Messages.swift",
            "Sources/Plain/C.swift:1: \"x\" is not in Sources/Plain/messages.json",
        ])
    }

    private func write(_ text: String, _ path: String, in tree: URL) throws {
        let url = tree.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}

private enum SampleKind: String, ErrorKind {
    case fine = "fine"
    case missing = "no-such-key"
    case otherPlaceholder = "greeting"

    static var catalog: MessageCatalog {
        MessageCatalog(json: Array(#"""
            { "fine": { "pl": "Szczegół: {detail}, {{nawias}.", "en": "Detail: {detail}, {{brace}." },
              "greeting": { "pl": "Witaj, {name}.", "en": "Hello, {name}." } }
            """#.utf8))
    }
}
