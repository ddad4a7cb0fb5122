import Foundation

/// One administrator's policy file of a browser, read as hostile input: at
/// most ``maximumBytes``, a JSON object or nothing. Why it cannot be used is
/// said in words for the finding (`browser-policy-invalid`).
enum PolicyFile {
    /// Policy files are a few hundred bytes; a bigger one is not read.
    static let maximumBytes = 1 << 20

    enum Flaw: Error, Equatable {
        case unreadable
        case tooLarge(Int)
        case notJSON
        case notAnObject
    }

    /// The file's top-level JSON object.
    static func read(_ path: String) -> Result<[String: Any], Flaw> {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .failure(.unreadable) }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumBytes else { return .failure(.tooLarge(size)) }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.unreadable) }
        defer { try? handle.close() }
        // Read no more than the cap even if the file grew since stat.
        guard let data = try? handle.read(upToCount: maximumBytes + 1) ?? Data() else { return .failure(.unreadable) }
        guard data.count <= maximumBytes else { return .failure(.tooLarge(data.count)) }
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return .failure(.notJSON) }
        guard let dictionary = object as? [String: Any] else { return .failure(.notAnObject) }
        return .success(dictionary)
    }

    /// A list of strings, or nil when `value` is something else.
    static func strings(_ value: Any) -> [String]? {
        guard let array = value as? [Any] else { return nil }
        let strings = array.compactMap { $0 as? String }
        return strings.count == array.count ? strings : nil
    }
}
