import Synchronization

/// A token's login kept by a long-lived owner of this process (a seal
/// profile's key, logged in once for thousands of signatures).
///
/// PKCS#11 keeps one login state per application and token: `C_Logout` on
/// any session logs out every session of the process on that token, and
/// the keys found through them become invalid (SoftHSM then answers
/// `CKR_OBJECT_HANDLE_INVALID`). So while a hold exists, ``Session/logout()``
/// on that token is not sent: a clerk's signature made on the seal's token
/// ends without pulling the token from under the seal. The owner releases
/// its hold (the value going away) before its own logout.
public final class LoginHold: Sendable {
    let token: LoginHolds.Key
    private let released = Atomic<Bool>(false)

    init(_ token: LoginHolds.Key) {
        self.token = token
        LoginHolds.count.withLock { $0[token, default: 0] += 1 }
    }

    /// Gives the hold up (once; the value going away does it too).
    public func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        LoginHolds.count.withLock { counts in
            counts[token, default: 1] -= 1
            if counts[token] == 0 { counts[token] = nil }
        }
    }

    deinit { release() }
}

enum LoginHolds {
    /// A token as the module sees it: the module's file (a module loaded
    /// twice is one library, with one login state) and the slot.
    struct Key: Hashable, Sendable {
        let module: String
        let slot: UInt
    }

    static let count = Mutex<[Key: Int]>([:])

    static func held(_ key: Key) -> Bool { count.withLock { ($0[key] ?? 0) > 0 } }
}

extension Slot {
    var loginKey: LoginHolds.Key { LoginHolds.Key(module: module.path.isEmpty ? module.name : module.path, slot: id) }

    /// Keeps the token's login for as long as the returned value lives
    /// (see ``LoginHold``).
    public func holdLogin() -> LoginHold { LoginHold(loginKey) }

    /// Whether an owner in this process keeps the token's login.
    public var loginHeld: Bool { LoginHolds.held(loginKey) }
}
