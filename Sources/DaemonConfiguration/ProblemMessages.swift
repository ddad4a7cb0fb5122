import Localization
import TOMLKit

/// The sentences of configuration problems, in Polish and English.
enum ProblemMessages {
    static func unreadable(_ reason: String) -> ClerkText {
        ClerkText(
            pl: "Nie można odczytać pliku konfiguracji: \(reason).",
            en: "Cannot read the configuration file: \(reason).")
    }

    static func syntax(line: Int, column: Int, detail: String) -> ClerkText {
        ClerkText(
            pl: "Błąd składni TOML (wiersz \(line), kolumna \(column)): \(detail). Plik pominięto w całości.",
            en: "TOML syntax error (line \(line), column \(column)): \(detail). The whole file was ignored.")
    }

    static func notText(line: Int) -> ClerkText {
        ClerkText(
            pl: "Plik nie jest tekstem UTF-8 (wiersz \(line)). Plik pominięto w całości.",
            en: "The file is not UTF-8 text (line \(line)). The whole file was ignored.")
    }

    static func unknownTable(_ name: String, suggestion: String?) -> ClerkText {
        let known = ConfigurationSchema.tableNames.map { "[\($0)]" }.joined(separator: ", ")
        return ClerkText(
            pl: "Nieznana tabela [\(name)]." + (suggestion.map { " Czy chodziło o [\($0)]?" } ?? " Znane tabele: \(known)."),
            en: "Unknown table [\(name)]." + (suggestion.map { " Did you mean [\($0)]?" } ?? " Known tables: \(known)."))
    }

    static func unknownKey(_ key: String, in table: String, suggestion: String?) -> ClerkText {
        let known = ConfigurationSchema.keys(of: table).joined(separator: ", ")
        return ClerkText(
            pl: "Nieznany klucz „\(key)” w [\(table)]." + (suggestion.map { " Czy chodziło o „\($0)”?" } ?? " Znane klucze: \(known)."),
            en: "Unknown key '\(key)' in [\(table)]." + (suggestion.map { " Did you mean '\($0)'?" } ?? " Known keys: \(known)."))
    }

    static func keyOutsideTable(_ key: String, belongsTo table: String) -> ClerkText {
        ClerkText(
            pl: "Klucz „\(key)” stoi poza tabelą; jego miejsce jest w [\(table)].",
            en: "The key '\(key)' stands outside any table; it belongs in [\(table)].")
    }

    static func wrongType(expected: ValueKind, found: TOMLType, hint: ClerkText? = nil) -> ClerkText {
        let foundName = ValueKind.names(of: found)
        return ClerkText(
            pl: "Oczekiwano: \(expected.names.pl); w pliku jest: \(foundName.pl)." + (hint.map { " " + $0.pl } ?? ""),
            en: "Expected \(expected.names.en), found \(foundName.en)." + (hint.map { " " + $0.en } ?? ""))
    }

    static func wrongElementType(found: TOMLType) -> ClerkText {
        let foundName = ValueKind.names(of: found)
        return ClerkText(
            pl: "Każdy element listy musi być tekstem w cudzysłowie; jeden jest: \(foundName.pl).",
            en: "Every element of the list must be a string in quotes; one is \(foundName.en).")
    }

    static func outOfRange(_ value: String, _ range: String, unit: String) -> ClerkText {
        let suffix = unit.isEmpty ? "" : " " + unit
        return ClerkText(
            pl: "Wartość \(value) poza zakresem: dozwolone \(range)\(suffix).",
            en: "The value \(value) is out of range: allowed \(range)\(suffix).")
    }

    static func socketPathTooLong(_ length: Int, limit: Int) -> ClerkText {
        ClerkText(
            pl: "Ścieżka gniazda ma \(length) bajtów; gniazdo uniksowe mieści najwyżej \(limit).",
            en: "The socket path is \(length) bytes long; a Unix socket path holds at most \(limit).")
    }

    static func notAbsolute(_ path: String) -> ClerkText {
        ClerkText(
            pl: "Ścieżka „\(path)” musi być bezwzględna (zaczynać się od /).",
            en: "The path '\(path)' must be absolute (start with /).")
    }

    static func badMode(_ text: String) -> ClerkText {
        ClerkText(
            pl: "„\(text)” nie jest trybem dostępu: podaj ósemkowo trzy lub cztery cyfry 0–7, np. \"0600\" albo \"0660\".",
            en: "'\(text)' is not a permission mode: write three or four octal digits 0–7, e.g. \"0600\" or \"0660\".")
    }

    static let modeAsString = ClerkText(
        pl: "Tryb zapisz jako tekst w cudzysłowie, np. socket_mode = \"0660\".",
        en: "Write the mode as a string in quotes, e.g. socket_mode = \"0660\".")

    static func badURL(_ text: String) -> ClerkText {
        ClerkText(
            pl: "„\(text)” nie jest adresem usługi znacznika czasu: oczekiwano http:// lub https:// z nazwą serwera.",
            en: "'\(text)' is not a time-stamping service URL: expected http:// or https:// with a host name.")
    }

    static func unknownValue(_ text: String, known: [String], suggestion: String?) -> ClerkText {
        let list = known.joined(separator: ", ")
        return ClerkText(
            pl: "Nieznana wartość „\(text)”; dozwolone: \(list)." + (suggestion.map { " Czy chodziło o „\($0)”?" } ?? ""),
            en: "Unknown value '\(text)'; allowed: \(list)." + (suggestion.map { " Did you mean '\($0)'?" } ?? ""))
    }

    static func moduleMissing(_ path: String) -> ClerkText {
        ClerkText(
            pl: "Nie ma (jeszcze) modułu PKCS#11 „\(path)”; dopóki nie zostanie zainstalowany, jego tokenów nie da się użyć.",
            en: "The PKCS#11 module '\(path)' is not there (yet); until it is installed, its tokens cannot be used.")
    }

    static func badOrigin(_ text: String, reason: OriginFlaw) -> ClerkText {
        let why: ClerkText
        switch reason {
        case .wildcard:
            why = ClerkText(
                pl: "„*” wpuściłoby każdą stronę WWW do karty urzędnika; wymień strony z osobna",
                en: "'*' would let any web page reach the clerk's card; list the sites one by one")
        case .scheme:
            why = ClerkText(pl: "dozwolone są tylko http:// i https://", en: "only http:// and https:// are allowed")
        case .path:
            why = ClerkText(
                pl: "pochodzenie nie ma ścieżki, zapytania ani końcowego /",
                en: "an origin has no path, query or final /")
        case .host:
            why = ClerkText(
                pl: "brak poprawnej nazwy serwera (litery ASCII, cyfry, - i .; IDN w punycode)",
                en: "no valid host name (ASCII letters, digits, - and .; IDN in punycode)")
        case .port:
            why = ClerkText(pl: "port musi być liczbą 1–65535", en: "the port must be a number 1–65535")
        }
        return ClerkText(
            pl: "„\(text)” nie jest pochodzeniem WWW (schemat://serwer[:port]): \(why.pl).",
            en: "'\(text)' is not a web origin (scheme://host[:port]): \(why.en).")
    }

    static let policyNotArray = ClerkText(
        pl: "„policy” zapisuje się jako tablice [[policy]], jedna na certyfikat.",
        en: "'policy' is written as [[policy]] tables, one per certificate.")

    static let policyWithoutCertificate = ClerkText(
        pl: "Każda tablica [[policy]] potrzebuje klucza certificate = \"*\" albo początku skrótu SHA-256 certyfikatu (podpis certs).",
        en: "Every [[policy]] table needs certificate = \"*\" or the start of the certificate's SHA-256 (podpis certs).")

    static func badPolicyCertificate(_ text: String) -> ClerkText {
        ClerkText(
            pl: "„\(text)” nie wskazuje certyfikatu: podaj \"*\" albo co najmniej 8 cyfr szesnastkowych jego SHA-256 (kolumna ID w podpis certs).",
            en: "'\(text)' does not name a certificate: give \"*\" or at least 8 hex digits of its SHA-256 (the ID column of podpis certs).")
    }

    static func duplicatePolicy(_ certificate: String) -> ClerkText {
        ClerkText(
            pl: "Dwie tablice [[policy]] dla „\(certificate)”; zostaw jedną.",
            en: "Two [[policy]] tables for '\(certificate)'; keep one.")
    }

    static func unknownUser(_ user: String) -> ClerkText {
        ClerkText(
            pl: "Nie ma użytkownika „\(user)” na tym komputerze; reguła go nie dotyczy, dopóki nie powstanie.",
            en: "There is no user '\(user)' on this machine; the rule cannot match until it exists.")
    }

    static func sealNotTable(_ name: String) -> ClerkText {
        ClerkText(pl: "„seal.\(name)” musi być tabelą [seal.\(name)].", en: "'seal.\(name)' must be a [seal.\(name)] table.")
    }

    static func sealWithoutCertificate(_ name: String) -> ClerkText {
        ClerkText(
            pl: "Profil pieczęci [seal.\(name)] potrzebuje certificate = początek SHA-256 certyfikatu pieczęci (podpis certs).",
            en: "Seal profile [seal.\(name)] needs certificate = the start of the seal certificate's SHA-256 (podpis certs).")
    }

    static let badCredential = ClerkText(
        pl: "pin_credential to nazwa poświadczenia systemd (LoadCredentialEncrypted=), bez ukośników.",
        en: "pin_credential is a systemd credential name (LoadCredentialEncrypted=), without slashes.")

    static func severalPINSources(_ name: String) -> ClerkText {
        ClerkText(
            pl: "[seal.\(name)]: podaj jedno źródło PIN-u: pin_credential, pin_file albo pin_prompt = true.",
            en: "[seal.\(name)]: give one PIN source: pin_credential, pin_file or pin_prompt = true.")
    }

    static func incompleteHotFolder(_ name: String) -> ClerkText {
        ClerkText(
            pl: "[seal.\(name)]: katalog obserwowany wymaga czterech różnych katalogów: inbox, outbox, done, failed.",
            en: "[seal.\(name)]: a hot folder needs four different directories: inbox, outbox, done, failed.")
    }
}
