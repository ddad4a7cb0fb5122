import Localization
import SmartCard

/// The readers pcscd knows and the state of each, read without talking to
/// any card (safe with a card that never answers).
struct ReaderListCheck {
    static let name = "readers"
    let limit: Double

    func run() -> (findings: [Finding], readers: [ReaderStatus]) {
        let result = TimeLimited.run(limit, name: "pcsc-readers") { () -> Swift.Result<[ReaderStatus], PCSCError> in
            do throws(PCSCError) {
                let context = try PCSCContext()
                return .success(try context.statuses(of: context.readerNames()))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .timedOut(let seconds):
            return ([Finding.timeout(
                Self.name, component: ClerkText(pl: "Lista czytników w pcscd", en: "pcscd's reader list"), seconds: seconds,
                fix: ClerkText(
                    pl: "Odłącz i podłącz czytniki, potem: sudo systemctl restart pcscd.",
                    en: "Unplug and replug the readers, then: sudo systemctl restart pcscd."))], [])
        case .finished(.failure(let error), let seconds):
            return ([Finding.problem(
                Self.name, "readers-error",
                found: ClerkText(
                    pl: "Nie udało się odczytać listy czytników: \(error.name) (\(error.message.withoutDoctorAdvice.pl))",
                    en: "The reader list could not be read: \(error.name) (\(error.message.withoutDoctorAdvice.en))"),
                why: ClerkText(pl: "Bez listy czytników nie widać kart.", en: "Without the reader list no card can be seen."),
                fix: ClerkText(pl: "Uruchom pcscd ponownie: sudo systemctl restart pcscd.", en: "Restart pcscd: sudo systemctl restart pcscd."),
                details: ["pcsc": error.name]).timed(seconds)], [])
        case .finished(.success(let readers), let seconds):
            if readers.isEmpty {
                return ([Finding.problem(
                    Self.name, "reader-none",
                    found: ClerkText(pl: "pcscd działa, ale nie widzi żadnego czytnika kart.", en: "pcscd runs but sees no smart card reader."),
                    why: ClerkText(
                        pl: "Bez czytnika karta z certyfikatem kwalifikowanym jest niewidoczna.",
                        en: "Without a reader the card with the qualified certificate cannot be seen."),
                    fix: ClerkText(
                        pl: "Podłącz czytnik do portu USB (bez koncentratora); sprawdź, czy system go widzi: lsusb. Czytniki CCID potrzebują pakietu libccid (sudo apt install libccid), inne sterownika producenta; po instalacji: sudo systemctl restart pcscd.",
                        en: "Plug the reader into a USB port (not through a hub); check the system sees it: lsusb. CCID readers need the libccid package (sudo apt install libccid), others their maker's driver; after installing: sudo systemctl restart pcscd."),
                    details: [:]).timed(seconds)], [])
            }
            return ([Finding.ok(
                Self.name, "readers-listed",
                ClerkText(pl: "Czytniki: \(readers.count).", en: "Readers: \(readers.count)."),
                details: ["readers": readers.map(\.name).joined(separator: "; ")]).timed(seconds)], readers)
        }
    }
}
