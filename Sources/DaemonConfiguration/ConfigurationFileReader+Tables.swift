import Revocation
import TOMLKit

/// The keys of each table: their types, bounds and checks.
extension ConfigurationFileReader {
    /// The longest path a Unix socket address holds (`sun_path` less its NUL).
    static let socketPathLimit = 107

    mutating func apply(server table: TOMLTable, to server: inout DaemonConfiguration.Server) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["server", key]
            switch key {
            case "port":
                if let port = integer(value, path, in: 0...65535) { server.port = port }
            case "socket":
                if let socket = string(value, path), let checked = socketPath(socket, path) { server.socket = checked }
            case "socket_mode":
                if let text = string(value, path, hint: messages.text("mode-as-string")) {
                    if let mode = Self.mode(text) {
                        server.socketMode = mode
                    } else {
                        report(path, "bad-mode", messages.text("bad-mode", ["text": text]))
                    }
                }
            case "socket_group":
                if let group = string(value, path) { server.socketGroup = group }
            case "agent_users":
                guard let users = strings(value, path) else { continue }
                for user in users where !FileSystem.userExists(user) {
                    report(path, "unknown-user", messages.text("unknown-user", ["user": user]), severity: .warning, element: user)
                }
                server.agentUsers = users
            case "allowed_origins":
                if let texts = strings(value, path), let origins = origins(texts, path) { server.allowedOrigins = origins }
            case "max_body_mib":
                if let bytes = mebibytes(value, path, in: 1...65536) { server.maxBodyBytes = bytes }
            case "max_json_mib":
                if let bytes = mebibytes(value, path, in: 1...1024) { server.maxJSONBytes = bytes }
            case "agent_timeout_seconds":
                if let seconds = seconds(value, path, in: 1...3600) { server.agentTimeoutSeconds = seconds }
            case "idle_timeout_seconds":
                if let seconds = seconds(value, path, in: 1...86400) { server.idleTimeoutSeconds = seconds }
            case "audit_file":
                if let text = string(value, path), let file = optionalAbsolutePath(text, path) { server.auditFile = file }
            case "pairing_file":
                if let text = string(value, path), let file = optionalAbsolutePath(text, path) { server.pairingFile = file }
            case "batch_dir":
                if let text = string(value, path), let directory = optionalAbsolutePath(text, path) { server.batchDirectory = directory }
            case "development_origins":
                if let flag = boolean(value, path) { server.developmentOrigins = flag }
            case "max_pairing_questions":
                if let count = integer(value, path, in: 1...100) { server.maxPairingQuestions = count }
            case "max_connections":
                if let count = integer(value, path, in: 16...65536) { server.maxConnections = count }
            default:
                unknownKey(key, in: "server")
            }
        }
    }

    mutating func apply(pkcs11 table: TOMLTable, to pkcs11: inout DaemonConfiguration.PKCS11) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["pkcs11", key]
            switch key {
            case "modules":
                if let texts = strings(value, path), let modules = modules(texts, path) { pkcs11.modules = modules }
            case "use_registered":
                if let flag = boolean(value, path) { pkcs11.useRegistered = flag }
            default:
                unknownKey(key, in: "pkcs11")
            }
        }
    }

    mutating func apply(timestamp table: TOMLTable, to timestamp: inout DaemonConfiguration.Timestamp) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["timestamp", key]
            switch key {
            case "urls":
                guard let urls = strings(value, path) else { continue }
                let bad = urls.filter { !WebAddress.isServiceURL($0) }
                for url in bad { report(path, "bad-url", messages.text("bad-url", ["text": url]), element: url) }
                if bad.isEmpty { timestamp.urls = urls }
            case "timeout_seconds":
                if let seconds = seconds(value, path, in: 1...300) { timestamp.timeoutSeconds = seconds }
            default:
                unknownKey(key, in: "timestamp")
            }
        }
    }

    mutating func apply(defaults table: TOMLTable, to defaults: inout DaemonConfiguration.Defaults) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["defaults", key]
            switch key {
            case "format":
                if let format: DaemonConfiguration.Format = choice(value, path) { defaults.format = format }
            case "packaging":
                if let packaging: DaemonConfiguration.Packaging = choice(value, path) { defaults.packaging = packaging }
            case "level":
                if let level: DaemonConfiguration.Level = choice(value, path) { defaults.level = level }
            case "digest":
                if let digest: DaemonConfiguration.Digest = choice(value, path) { defaults.digest = digest }
            default:
                unknownKey(key, in: "defaults")
            }
        }
    }

    mutating func apply(limits table: TOMLTable, to limits: inout DaemonConfiguration.Limits) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["limits", key]
            switch key {
            case "xml_max_mib":
                if let bytes = mebibytes(value, path, in: 1...4096) { limits.xmlMaxBytes = bytes }
            case "xml_max_depth":
                if let depth = integer(value, path, in: 1...10000) { limits.xmlMaxDepth = depth }
            case "xml_max_nodes":
                if let nodes = integer(value, path, in: 1...100_000_000) { limits.xmlMaxNodes = nodes }
            default:
                unknownKey(key, in: "limits")
            }
        }
    }

    /// `[verification]`: a list of trust files is taken only when every file
    /// in it is readable and holds a certificate (a list with a hole would
    /// silently trust less than the administrator wrote).
    mutating func apply(verification table: TOMLTable, to verification: inout DaemonConfiguration.Verification) {
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["verification", key]
            switch key {
            case "trust":
                guard let texts = strings(value, path) else { continue }
                var files: [String] = []
                for text in texts {
                    guard let file = absolutePath(text, path, element: text) else { continue }
                    switch FileSystem.contents(of: file, limit: Self.trustFileLimit) {
                    case .missing:
                        report(path, "trust-unreadable", messages.text("trust-unreadable", ["path": file, "reason": "no such file"]), element: text)
                    case .failed(let reason):
                        report(path, "trust-unreadable", messages.text("trust-unreadable", ["path": file, "reason": reason]), element: text)
                    case .contents(let bytes):
                        if Self.mayHoldCertificates(bytes) {
                            files.append(file)
                        } else {
                            report(path, "trust-not-certificate", messages.text("trust-not-certificate", ["path": file]), element: text)
                        }
                    }
                }
                if files.count == texts.count { verification.trust = files }
            case "max_mib":
                if let bytes = mebibytes(value, path, in: 0...65536) { verification.maxBytes = bytes }
            case "trusted_lists":
                if let text = string(value, path) {
                    if text.isEmpty { verification.trustedLists = nil } else if let directory = absolutePath(text, path) { verification.trustedLists = directory }
                }
            case "lotl_pins":
                if let text = string(value, path), let file = absolutePath(text, path) { verification.lotlPins = file }
            case "online":
                if let flag = boolean(value, path) { verification.online = flag }
            case "allow_addresses":
                guard let texts = strings(value, path) else { continue }
                let ranges = texts.compactMap { AddressRange($0) }
                if ranges.count == texts.count {
                    verification.allowAddresses = ranges
                } else if let wrong = texts.first(where: { AddressRange($0) == nil }) {
                    report(path, "bad-address-range", messages.text("bad-address-range", ["text": wrong]), element: wrong)
                }
            case "revocation_cache":
                if let text = string(value, path) {
                    if text.isEmpty { verification.revocationCache = nil } else if let directory = absolutePath(text, path) { verification.revocationCache = directory }
                }
            default:
                unknownKey(key, in: "verification")
            }
        }
    }

    /// The largest trust file read (the verifier's own bound).
    static let trustFileLimit = 8 << 20

    /// PEM with a certificate block, or DER (a SEQUENCE); the daemon reads
    /// every certificate at start.
    static func mayHoldCertificates(_ bytes: [UInt8]) -> Bool {
        if bytes.first == 0x30 { return true }
        return String(decoding: bytes, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----")
    }

    /// `[[policy]]` entries; the whole list is dropped when one is wrong
    /// (a half-applied policy could allow more than the administrator meant).
    mutating func apply(policies value: TOMLValueConvertible, to configuration: inout DaemonConfiguration) {
        guard let array = value.array else {
            report(["policy"], "wrong-type", messages.text("policy-not-array"))
            return
        }
        var policies: [DaemonConfiguration.Policy] = []
        var valid = true
        for element in array {
            guard let table = element.table else {
                report(["policy"], "wrong-type", messages.text("policy-not-array"))
                return
            }
            if let policy = policy(table) {
                if policies.contains(where: { $0.certificate == policy.certificate }) {
                    report(["policy", "certificate"], "duplicate-policy", messages.text("duplicate-policy", ["certificate": policy.certificate]), element: policy.certificate)
                    valid = false
                }
                policies.append(policy)
            } else {
                valid = false
            }
        }
        if valid { configuration.policies = policies }
    }

    private mutating func policy(_ table: TOMLTable) -> DaemonConfiguration.Policy? {
        var policy = DaemonConfiguration.Policy()
        var valid = true
        guard table["certificate"] != nil else {
            report(["policy"], "missing-key", messages.text("policy-without-certificate"))
            return nil
        }
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["policy", key]
            switch key {
            case "certificate":
                guard let text = string(value, path) else { valid = false; continue }
                let lower = text.lowercased()
                if lower == "*" || (lower.count >= 8 && lower.count <= 64 && lower.allSatisfy(\.isHexDigit)) {
                    policy.certificate = lower
                } else {
                    report(path, "bad-certificate", messages.text("bad-policy-certificate", ["text": text]), element: text)
                    valid = false
                }
            case "users":
                guard let users = strings(value, path) else { valid = false; continue }
                for user in users where !FileSystem.userExists(user) {
                    report(path, "unknown-user", messages.text("unknown-user", ["user": user]), severity: .warning, element: user)
                }
                policy.users = users
            case "origins":
                guard let texts = strings(value, path), let origins = origins(texts, path) else { valid = false; continue }
                policy.origins = origins
            case "pin_cache_seconds":
                guard let seconds = seconds(value, path, in: 0...43200) else { valid = false; continue }
                policy.pinCacheSeconds = seconds
            case "max_documents":
                guard let count = integer(value, path, in: 1...100_000) else { valid = false; continue }
                policy.maxDocuments = count
            case "digest_only":
                guard let rule: DaemonConfiguration.Policy.DigestOnly = choice(value, path) else { valid = false; continue }
                policy.digestOnly = rule
            default:
                unknownKey(key, in: "policy")
                valid = false
            }
        }
        return valid ? policy : nil
    }

    // MARK: Checks

    /// The path with `~/` expanded when absolute then; otherwise reported
    /// (`bad-path`, naming `element` in a list) and nil.
    mutating func absolutePath(_ text: String, _ path: [String], element: String? = nil) -> String? {
        let expanded = expandingHome(text)
        guard expanded.hasPrefix("/") else {
            report(path, "bad-path", messages.text("not-absolute", ["path": text]), element: element)
            return nil
        }
        return expanded
    }

    /// Empty (the default), or absolute after `~/` is expanded.
    private mutating func optionalAbsolutePath(_ text: String, _ path: [String]) -> String? {
        text.isEmpty ? "" : absolutePath(text, path)
    }

    /// "0600", "660": three or four octal digits, no special bits.
    static func mode(_ text: String) -> UInt16? {
        guard (3...4).contains(text.count), text.allSatisfy({ ("0"..."7").contains($0) }),
            let mode = UInt16(text, radix: 8), mode <= 0o777
        else { return nil }
        return mode
    }

    /// Empty (the default), or absolute and short enough for `sun_path`.
    private mutating func socketPath(_ text: String, _ path: [String]) -> String? {
        guard !text.isEmpty else { return text }
        guard let expanded = absolutePath(text, path) else { return nil }
        guard expanded.utf8.count <= Self.socketPathLimit else {
            report(path, "out-of-range", messages.text("socket-path-too-long", ["length": expanded.utf8.count, "limit": Self.socketPathLimit]))
            return nil
        }
        return expanded
    }

    /// All normalised, or nil after reporting each bad one.
    private mutating func origins(_ texts: [String], _ path: [String]) -> [String]? {
        var origins: [String] = []
        var valid = true
        for text in texts {
            switch WebAddress.origin(text) {
            case .success(let origin):
                if !origins.contains(origin) { origins.append(origin) }
            case .failure(let flaw):
                report(path, "bad-origin", ProblemMessages.badOrigin(text, reason: flaw), element: text)
                valid = false
            }
        }
        return valid ? origins : nil
    }

    /// Absolute paths (`~/` expanded); a missing file is a warning and stays.
    private mutating func modules(_ texts: [String], _ path: [String]) -> [String]? {
        var modules: [String] = []
        var valid = true
        for text in texts {
            guard let module = absolutePath(text, path, element: text) else {
                valid = false
                continue
            }
            if !FileSystem.isRegularFile(module) {
                report(path, "module-missing", messages.text("module-missing", ["path": module]), severity: .warning, element: text)
            }
            modules.append(module)
        }
        return valid ? modules : nil
    }
}
