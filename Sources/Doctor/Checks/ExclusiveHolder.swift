import Foundation
import Localization
import SmartCard
#if canImport(Glibc)
import Glibc
#endif

/// A reader held exclusively by another program (SCARD_E_SHARING_VIOLATION),
/// and which programs it may be: the other clients of the same pcscd, found
/// through `ss -xp` (our own connection to pcscd leads to pcscd's process;
/// the other connections to that process are its clients).
struct ExclusiveHolder {
    static let name = "card"
    let reader: String
    let limit: Double

    /// Programs known to hold cards exclusively.
    static let knownHolders: [String: String] = [
        "scdaemon": "GnuPG scdaemon (gpg --card-status); it keeps the card until: gpgconf --kill scdaemon",
        "pcsc_scan": "pcsc_scan",
        "java": "a Java application (Szafir, proCertum SmartSign and similar signing software)",
    ]

    func finding(error: PCSCError) -> Finding {
        let holders = clients()
        var found = messages.text("reader-exclusive.found", ["reader": reader, "error": error.name])
        if !holders.isEmpty {
            let list = holders.joined(separator: ", ")
            found = messages.text("reader-exclusive.programs", ["found": found, "list": list])
        }
        return .problem(
            Self.name, "reader-exclusive",
            found: found,
            why: messages.text("reader-exclusive.why"),
            fix: messages.text("reader-exclusive.fix"),
            details: ["pcsc": error.name, "programs": holders.joined(separator: "; ")])
    }

    /// "name (pid N)" of every other client of our pcscd, best effort.
    func clients() -> [String] {
        guard let ss = Subprocess.find(["/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/sbin/ss"]) else { return [] }
        let result = TimeLimited.run(limit, name: "ss") { () -> [String] in
            // Hold a connection of our own to pcscd while ss looks.
            guard let context = try? PCSCContext() else { return [] }
            let text = Subprocess.output(ss, ["-x", "-p", "-n"]) ?? ""
            withExtendedLifetime(context) {}
            return Self.clients(ssOutput: text, ourPID: getpid())
        }
        return result.value ?? []
    }

    struct SocketEntry: Equatable {
        let localInode: String
        let peerInode: String
        let processes: [(name: String, pid: Int32)]

        static func == (a: SocketEntry, b: SocketEntry) -> Bool {
            a.localInode == b.localInode && a.peerInode == b.peerInode
                && a.processes.map(\.pid) == b.processes.map(\.pid)
        }
    }

    /// Parses `ss -xpn`: the clients of the process our connections lead to.
    ///
    /// Sockets a process merely inherited (a daemon started by a program that
    /// left descriptors open shows its parent's sockets as its own) are owned
    /// by several processes: only sockets with one owner count, both for our
    /// own connection and for the clients.
    static func clients(ssOutput: String, ourPID: Int32) -> [String] {
        let entries = ssOutput.split(separator: "\n").compactMap(parse)
        let byLocal = Dictionary(entries.map { ($0.localInode, $0) }, uniquingKeysWith: { a, _ in a })
        let ours = entries.filter { $0.processes.count == 1 && $0.processes[0].pid == ourPID }
        var servers = ours.compactMap { byLocal[$0.peerInode] }.flatMap(\.processes)
        if servers.contains(where: { $0.name.hasPrefix("pcscd") }) { servers = servers.filter { $0.name.hasPrefix("pcscd") } }
        let serverPIDs = Set(servers.map(\.pid)).subtracting([ourPID])
        guard !serverPIDs.isEmpty else { return [] }
        let serverInodes = Set(entries.filter { $0.processes.contains { serverPIDs.contains($0.pid) } }.map(\.localInode))
        var seen = Set<Int32>()
        var out: [String] = []
        for entry in entries where serverInodes.contains(entry.peerInode) && !entry.processes.contains(where: { serverPIDs.contains($0.pid) }) {
            for process in entry.processes where process.pid != ourPID {
                guard seen.insert(process.pid).inserted else { continue }
                let known = knownHolders[process.name].map { " — \($0)" } ?? ""
                out.append("\(process.name) (pid \(process.pid))\(known)")
            }
        }
        return out
    }

    /// One line of `ss -xpn`: netid state recv-q send-q local inode peer inode users:((...)).
    static func parse(_ line: Substring) -> SocketEntry? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8, fields[0].hasPrefix("u_") else { return nil }
        let local = String(fields[5]), peer = String(fields[7])
        guard Int(local) != nil, Int(peer) != nil else { return nil }
        var processes: [(String, Int32)] = []
        var rest = Substring(fields[8...].joined(separator: " "))
        while let open = rest.range(of: "((\"") ?? rest.range(of: "(\"") {
            rest = rest[open.upperBound...]
            guard let quote = rest.firstIndex(of: "\"") else { break }
            let name = String(rest[..<quote])
            rest = rest[quote...]
            guard let pidRange = rest.range(of: "pid=") else { break }
            rest = rest[pidRange.upperBound...]
            let digits = rest.prefix { $0.isNumber }
            if let pid = Int32(digits) { processes.append((name, pid)) }
        }
        return SocketEntry(localInode: local, peerInode: peer, processes: processes)
    }
}
