import Foundation
import Localization
#if canImport(Glibc)
import Glibc
#endif

/// A PKCS#11 module's file before it is loaded: there, readable, a shared
/// library (ELF, ET_DYN), and built for this computer's architecture.
struct ModuleFileCheck {
    static let name = "module-file"
    let path: String

    /// A finding: ok, or the first thing wrong.
    func run() -> Finding {
        var status = stat()
        if stat(path, &status) != 0 {
            let error = errno
            if error == EACCES { return unreadable(SocketError(errno: error).name) }
            var link = stat()
            let dangling = lstat(path, &link) == 0
            return .problem(
                Self.name, "module-file-missing",
                found: dangling
                    ? messages.text("module-file-missing.dangling", ["path": path])
                    : messages.text("module-file-missing.found", ["path": path]),
                why: messages.text("module-file-missing.why"),
                fix: messages.text("module-file-missing.fix"),
                details: ["path": path])
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            return notALibrary(messages.text("module-not-a-library.not-regular"), details: [:])
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return unreadable("EACCES") }
        let header = [UInt8](handle.readData(ofLength: 64))
        try? handle.close()
        guard header.count >= 20, header.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else {
            let text = header.allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || (32...126).contains($0) || $0 >= 0x80 }
            return notALibrary(
                text
                    ? messages.text("module-not-a-library.text")
                    : messages.text("module-not-a-library.not-elf"),
                details: ["magic": header.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")])
        }
        let elf = ELFHeader(header)
        let host = ELFHeader.host
        var details = ["path": path, "architecture": elf.architecture, "hostArchitecture": host.architecture]
        if elf.machine != host.machine || elf.is64Bit != host.is64Bit {
            return .problem(Self.name, messages.finding("module-wrong-architecture", ["path": path, "architecture": elf.architecture, "host": host.architecture]), details: details)
        }
        guard elf.type == 3 else {
            details["elfType"] = String(elf.type)
            return notALibrary(
                messages.text("module-not-a-library.not-shared"),
                details: details)
        }
        return .ok(
            Self.name, "module-file-ok",
            messages.text("module-file-ok.found", ["path": path, "architecture": elf.architecture]),
            details: details)
    }

    private func notALibrary(_ what: ClerkText, details: [String: String]) -> Finding {
        .problem(Self.name, messages.finding("module-not-a-library", ["path": path, "what": what]), details: details.merging(["path": path]) { a, _ in a })
    }

    private func unreadable(_ errorName: String) -> Finding {
        .problem(Self.name, messages.finding("module-unreadable", ["path": path, "error": errorName]), details: ["path": path, "errno": errorName])
    }
}

/// The few fields of an ELF header that say what a library is for.
struct ELFHeader {
    let is64Bit: Bool
    let type: UInt16
    let machine: UInt16

    init(_ header: [UInt8]) {
        is64Bit = header[4] == 2
        let little = header[5] != 2
        func u16(_ offset: Int) -> UInt16 {
            little ? UInt16(header[offset]) | UInt16(header[offset + 1]) << 8 : UInt16(header[offset]) << 8 | UInt16(header[offset + 1])
        }
        type = u16(16)
        machine = u16(18)
    }

    init(is64Bit: Bool, machine: UInt16) {
        self.is64Bit = is64Bit
        self.type = 3
        self.machine = machine
    }

    var architecture: String {
        let name: String
        switch machine {
        case 3: name = "x86 (i386)"
        case 62: name = "x86-64"
        case 40: name = "ARM"
        case 183: name = "ARM64 (aarch64)"
        case 243: name = "RISC-V"
        case 21: name = "PowerPC64"
        case 22: name = "s390"
        default: name = "machine \(machine)"
        }
        return name + (is64Bit ? " 64-bit" : " 32-bit")
    }

    /// This computer's architecture, as its libraries must be built.
    static var host: ELFHeader {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch machine {
        case "x86_64": return ELFHeader(is64Bit: true, machine: 62)
        case "aarch64": return ELFHeader(is64Bit: true, machine: 183)
        case "i686", "i586", "i386": return ELFHeader(is64Bit: false, machine: 3)
        case "armv7l", "armv6l": return ELFHeader(is64Bit: false, machine: 40)
        case "riscv64": return ELFHeader(is64Bit: true, machine: 243)
        case "ppc64le": return ELFHeader(is64Bit: true, machine: 21)
        case "s390x": return ELFHeader(is64Bit: true, machine: 22)
        default: return ELFHeader(is64Bit: MemoryLayout<Int>.size == 8, machine: 0)
        }
    }
}
