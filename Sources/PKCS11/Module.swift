import CPKCS11
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One loaded and initialised PKCS#11 module: owns its function list and
/// finalises and releases it when the value goes away.
///
/// Modules are initialised by p11-kit with `CKF_OS_LOCKING_OK`, so one module
/// may be used from several threads; a `Session` must still be used by one
/// caller at a time (the station keeps one actor per token for that).
public final class Module: @unchecked Sendable {
    let functions: UnsafeMutablePointer<CK_FUNCTION_LIST>
    /// The module's name in p11-kit's configuration, or its file name.
    public let name: String
    /// The file the module was loaded from.
    public let path: String
    /// Whether p11-kit's configuration registered it (else it was named by path).
    public let registered: Bool
    private let owner: ModuleOwner

    init(functions: UnsafeMutablePointer<CK_FUNCTION_LIST>, registered: Bool, owner: ModuleOwner) {
        self.functions = functions
        self.registered = registered
        self.owner = owner
        if let cName = p11_kit_module_get_name(functions) {
            name = String(cString: cName)
            free(cName)
        } else {
            name = ""
        }
        if let cPath = p11_kit_module_get_filename(functions) {
            path = String(cString: cPath)
            free(cPath)
        } else {
            path = ""
        }
    }

    deinit {
        if !finalized.exchange(true, ordering: .acquiringAndReleasing) { p11_kit_module_finalize(functions) }
        owner.release(functions)
    }

    private let finalized = Atomic<Bool>(false)

    /// C_Finalize now, once (a process about to end: its last call to the
    /// module). No call may be running or follow; the caller makes sure.
    public func finalize() {
        if !finalized.exchange(true, ordering: .acquiringAndReleasing) { p11_kit_module_finalize(functions) }
    }

    /// Loads and initialises a module by path (a vendor's module).
    public static func load(path: String) throws(PKCS11Error) -> Module {
        guard access(path, F_OK) == 0 else { throw PKCS11Error(.moduleNotFound(path: path), function: "dlopen") }
        guard let functions = p11_kit_module_load(path, 0) else {
            throw PKCS11Error(.moduleLoadFailed(path: path, reason: lastP11KitMessage()), function: "p11_kit_module_load")
        }
        let rv = p11_kit_module_initialize(functions)
        guard rv == ReturnValue.ok else {
            p11_kit_module_release(functions)
            throw PKCS11Error(rv: rv, function: "C_Initialize")
        }
        return Module(functions: functions, registered: false, owner: .single)
    }

    /// Loads every module registered with p11-kit (its `modules/` configuration)
    /// and initialises each on its own: one module failing does not hide the
    /// others. Modules p11-kit marks for trust policy only are skipped.
    public static func loadRegistered() -> (modules: [Module], failures: [ModuleFailure]) {
        guard let list = p11_kit_modules_load(nil, 0) else {
            return ([], [ModuleFailure(name: "p11-kit", path: "", error: PKCS11Error(
                .moduleLoadFailed(path: "p11-kit", reason: lastP11KitMessage()), function: "p11_kit_modules_load"))])
        }
        let owner = ModuleOwner.list(ModuleList(list))
        var modules: [Module] = []
        var failures: [ModuleFailure] = []
        var index = 0
        while let functions = list[index] {
            index += 1
            if isTrustPolicyOnly(functions) {
                continue
            }
            let rv = p11_kit_module_initialize(functions)
            if rv == ReturnValue.ok {
                modules.append(Module(functions: functions, registered: true, owner: owner))
            } else {
                let name = p11_kit_module_get_name(functions).map { p -> String in defer { free(p) }; return String(cString: p) } ?? "?"
                let path = p11_kit_module_get_filename(functions).map { p -> String in defer { free(p) }; return String(cString: p) } ?? "?"
                failures.append(ModuleFailure(name: name, path: path, error: PKCS11Error(rv: rv, function: "C_Initialize")))
            }
        }
        return (modules, failures)
    }

    private static func isTrustPolicyOnly(_ functions: UnsafeMutablePointer<CK_FUNCTION_LIST>) -> Bool {
        guard let value = p11_kit_config_option(functions, "trust-policy") else { return false }
        defer { free(value) }
        return String(cString: value) == "yes"
    }

    /// The module's own description (CK_INFO).
    public func info() throws(PKCS11Error) -> (manufacturer: String, description: String, version: String) {
        var info = CK_INFO()
        try call("C_GetInfo") { functions.pointee.C_GetInfo!(&info) }
        return (paddedString(info.manufacturerID), paddedString(info.libraryDescription),
            "\(info.libraryVersion.major).\(info.libraryVersion.minor)")
    }

    /// Slots, with or without a token.
    public func slots(withTokenOnly: Bool = true) throws(PKCS11Error) -> [Slot] {
        var count: UInt = 0
        let present: CK_BBOOL = withTokenOnly ? CK_BBOOL(CK_TRUE) : CK_BBOOL(CK_FALSE)
        try call("C_GetSlotList") { functions.pointee.C_GetSlotList!(present, nil, &count) }
        var ids = [CK_SLOT_ID](repeating: 0, count: Int(count))
        if count > 0 {
            try call("C_GetSlotList") { functions.pointee.C_GetSlotList!(present, &ids, &count) }
        }
        return ids.prefix(Int(count)).map { Slot(module: self, id: $0) }
    }

    /// Calls a PKCS#11 function and throws its `CKR_*` as a named error.
    func call(_ function: String, _ body: () -> CK_RV) throws(PKCS11Error) {
        let rv = body()
        if rv != ReturnValue.ok { throw PKCS11Error(rv: rv, function: function) }
    }
}

/// A registered module that could not be initialised.
public struct ModuleFailure: Sendable {
    public let name: String
    public let path: String
    public let error: PKCS11Error
}

/// Who releases a module's function list.
enum ModuleOwner: Sendable {
    case single
    case list(ModuleList)

    func release(_ functions: UnsafeMutablePointer<CK_FUNCTION_LIST>) {
        switch self {
        case .single: p11_kit_module_release(functions)
        case .list: break  // the list releases all of its modules when the last one goes
        }
    }
}

/// The array p11-kit returned for the registered modules; released once,
/// after every `Module` that came from it.
final class ModuleList: @unchecked Sendable {
    let list: UnsafeMutablePointer<UnsafeMutablePointer<CK_FUNCTION_LIST>?>
    init(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CK_FUNCTION_LIST>?>) { self.list = list }
    deinit { p11_kit_modules_release(list) }
}

func lastP11KitMessage() -> String {
    if let message = p11_kit_message() { return String(cString: message) }
    return "unknown reason"
}
