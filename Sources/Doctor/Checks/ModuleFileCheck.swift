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
                    ? ClerkText(
                        pl: "Moduł PKCS#11 \(path) jest dowiązaniem do pliku, którego nie ma.",
                        en: "PKCS#11 module \(path) is a link to a file that does not exist.")
                    : ClerkText(pl: "Nie ma pliku modułu PKCS#11 \(path).", en: "PKCS#11 module file \(path) does not exist."),
                why: ClerkText(
                    pl: "Bez modułu tokeny i karty, które on obsługuje, są niewidoczne i nie podpiszą.",
                    en: "Without the module, the tokens and cards it serves are invisible and cannot sign."),
                fix: ClerkText(
                    pl: "Zainstaluj oprogramowanie karty lub tokenu (moduł PKCS#11 producenta) albo popraw ścieżkę w [pkcs11] modules w podpisd.toml lub w pliku .module p11-kit.",
                    en: "Install the card's or token's software (the maker's PKCS#11 module) or correct the path in [pkcs11] modules of podpisd.toml or in the p11-kit .module file."),
                details: ["path": path])
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            return notALibrary(ClerkText(pl: "to nie jest zwykły plik", en: "it is not a regular file"), details: [:])
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return unreadable("EACCES") }
        let header = [UInt8](handle.readData(ofLength: 64))
        try? handle.close()
        guard header.count >= 20, header.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else {
            let text = header.allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || (32...126).contains($0) || $0 >= 0x80 }
            return notALibrary(
                text
                    ? ClerkText(pl: "to plik tekstowy, nie biblioteka", en: "it is a text file, not a library")
                    : ClerkText(pl: "to nie jest plik ELF", en: "it is not an ELF file"),
                details: ["magic": header.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")])
        }
        let elf = ELFHeader(header)
        let host = ELFHeader.host
        var details = ["path": path, "architecture": elf.architecture, "hostArchitecture": host.architecture]
        if elf.machine != host.machine || elf.is64Bit != host.is64Bit {
            return .problem(
                Self.name, "module-wrong-architecture",
                found: ClerkText(
                    pl: "Moduł PKCS#11 \(path) jest zbudowany dla \(elf.architecture), a ten komputer to \(host.architecture).",
                    en: "PKCS#11 module \(path) is built for \(elf.architecture), but this computer is \(host.architecture)."),
                why: ClerkText(
                    pl: "Program nie może załadować biblioteki innej architektury: karta lub token będą niewidoczne.",
                    en: "A program cannot load a library of another architecture: the card or token stays invisible."),
                fix: ClerkText(
                    pl: "Zainstaluj wersję oprogramowania producenta dla \(host.architecture) (zwykle pakiet „64-bit” / amd64) i wskaż jej moduł.",
                    en: "Install the maker's software for \(host.architecture) (usually the \"64-bit\" / amd64 package) and point to its module."),
                details: details)
        }
        guard elf.type == 3 else {
            details["elfType"] = String(elf.type)
            return notALibrary(
                ClerkText(pl: "to program lub plik obiektowy, a nie biblioteka współdzielona", en: "it is a program or object file, not a shared library"),
                details: details)
        }
        return .ok(
            Self.name, "module-file-ok",
            ClerkText(pl: "Plik \(path): biblioteka \(elf.architecture).", en: "File \(path): a \(elf.architecture) library."),
            details: details)
    }

    private func notALibrary(_ what: ClerkText, details: [String: String]) -> Finding {
        .problem(
            Self.name, "module-not-a-library",
            found: ClerkText(
                pl: "Plik \(path) nie jest modułem PKCS#11: \(what.pl).",
                en: "File \(path) is not a PKCS#11 module: \(what.en)."),
            why: ClerkText(
                pl: "Podana ścieżka nie prowadzi do biblioteki, więc żaden token z tego modułu nie będzie widoczny.",
                en: "The path does not lead to a library, so no token of that module can be seen."),
            fix: ClerkText(
                pl: "Wskaż plik biblioteki modułu (zwykle …pkcs11….so z oprogramowania producenta karty), a nie plik konfiguracji, skrypt czy program.",
                en: "Point to the module's library file (usually …pkcs11….so from the card maker's software), not a configuration file, script or program."),
            details: details.merging(["path": path]) { a, _ in a })
    }

    private func unreadable(_ errorName: String) -> Finding {
        .problem(
            Self.name, "module-unreadable",
            found: ClerkText(pl: "Nie można odczytać modułu PKCS#11 \(path) (\(errorName)).", en: "PKCS#11 module \(path) cannot be read (\(errorName))."),
            why: ClerkText(pl: "Nieczytelnego modułu nie da się załadować.", en: "A module that cannot be read cannot be loaded."),
            fix: ClerkText(
                pl: "Nadaj plikowi i katalogom prawo odczytu dla wszystkich: sudo chmod a+r \(path).",
                en: "Make the file and its directories readable for all: sudo chmod a+r \(path)."),
            details: ["path": path, "errno": errorName])
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
