import Localization
import PKCS11

/// Loading a PKCS#11 module through p11-kit and its C_Initialize, under a
/// time limit: the loader's own error text, or the CKR name.
struct ModuleLoadCheck {
    static let name = "module-load"
    let path: String
    let limit: Double

    func run() -> (finding: Finding, module: Module?) {
        let path = self.path
        let result = TimeLimited.run(limit, name: "module-load") { () -> Swift.Result<(Module, String), PKCS11Error> in
            do throws(PKCS11Error) {
                let module = try Module.load(path: path)
                let info = try? module.info()
                let description = info.map { "\($0.manufacturer) \($0.description) \($0.version)" } ?? ""
                return .success((module, description))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .timedOut(let seconds):
            return (Finding.timeout(
                Self.name, component: ClerkText(pl: "Moduł PKCS#11 \(path) (ładowanie, C_Initialize)", en: "PKCS#11 module \(path) (loading, C_Initialize)"),
                seconds: seconds, fix: Self.hangFix), nil)
        case .finished(.success(let (module, description)), let seconds):
            return (Finding.ok(
                Self.name, "module-loaded",
                ClerkText(
                    pl: "Moduł ładuje się; C_Initialize: CKR_OK. \(description)",
                    en: "The module loads; C_Initialize: CKR_OK. \(description)"),
                details: ["path": path, "C_Initialize": "CKR_OK", "library": description]).timed(seconds), module)
        case .finished(.failure(let error), let seconds):
            return (failure(error).timed(seconds), nil)
        }
    }

    private func failure(_ error: PKCS11Error) -> Finding {
        switch error.kind {
        case .moduleLoadFailed(_, let reason):
            return .problem(
                Self.name, "module-load-failed",
                found: ClerkText(
                    pl: "Modułu PKCS#11 \(path) nie da się załadować. Błąd programu ładującego: \(reason)",
                    en: "PKCS#11 module \(path) cannot be loaded. The loader says: \(reason)"),
                why: ClerkText(
                    pl: "Niezaładowany moduł nie pokaże żadnego tokenu ani karty.",
                    en: "A module that does not load shows no token or card."),
                fix: ClerkText(
                    pl: "Zwykle brakuje biblioteki, której moduł potrzebuje (sprawdź: ldd \(path)) albo plik nie jest modułem PKCS#11. Zainstaluj ponownie oprogramowanie producenta.",
                    en: "Usually a library the module needs is missing (check: ldd \(path)), or the file is not a PKCS#11 module. Reinstall the maker's software."),
                details: ["path": path, "loader": reason])
        case .moduleNotFound:
            return ModuleFileCheck(path: path).run()
        default:
            let name = error.name
            return .problem(
                Self.name, "module-init-failed",
                found: ClerkText(
                    pl: "Moduł PKCS#11 \(path) ładuje się, ale C_Initialize zwraca \(name) (\(error.message.withoutDoctorAdvice.pl))",
                    en: "PKCS#11 module \(path) loads, but C_Initialize returns \(name) (\(error.message.withoutDoctorAdvice.en))"),
                why: ClerkText(
                    pl: "Moduł, który się nie inicjuje, nie pokaże żadnego tokenu.",
                    en: "A module that does not initialise shows no token."),
                fix: ClerkText(
                    pl: "Sprawdź konfigurację modułu (np. plik konfiguracji producenta lub SOFTHSM2_CONF) i uprawnienia do jego katalogów; zainstaluj ponownie oprogramowanie producenta.",
                    en: "Check the module's configuration (e.g. the maker's configuration file or SOFTHSM2_CONF) and the permissions of its directories; reinstall the maker's software."),
                details: ["path": path, "C_Initialize": name])
        }
    }

    static let hangFix = ClerkText(
        pl: "Moduł zawiesza się, zwykle na karcie, która nie odpowiada: wyjmij karty i uruchom sprawdzanie jeszcze raz; jeśli nadal się zawiesza, zainstaluj nowszą wersję oprogramowania producenta.",
        en: "The module hangs, usually on a card that does not answer: remove the cards and run the check again; if it still hangs, install a newer version of the maker's software.")
}
