import Foundation

extension SealResult {
    /// A result reported by another party (podpisd's batch, as `podpis seal` sees it).
    public init(name: String, sha256: String? = nil, size: Int? = nil, state: State) {
        self.init(name: name, sha256: sha256, size: size, state: state, method: nil, output: nil, code: nil, message: nil, recovered: nil)
    }
}

extension SealJournal.Entry {
    /// A document sealed now, its output named `output`.
    public static func sealed(name: String, sha256: String, output: String) -> SealJournal.Entry {
        SealJournal.Entry(name: name, sha256: sha256, state: .sealed, output: output, code: nil, time: Date(), recovered: nil)
    }
}
