import TOMLKit

extension ConfigurationFileReader {
    /// `[seal.NAME]` tables; a profile with a mistake is left out whole.
    mutating func apply(seals table: TOMLTable, to configuration: inout DaemonConfiguration) {
        for name in table.keys {
            guard let value = table[name] else { continue }
            guard let profileTable = value.table else {
                report(["seal", name], "wrong-type", messages.text("seal-not-table", ["name": name]))
                continue
            }
            if let profile = seal(name, profileTable) { configuration.seals[name] = profile }
        }
    }

    private mutating func seal(_ name: String, _ table: TOMLTable) -> DaemonConfiguration.SealProfile? {
        guard let certificateValue = table["certificate"] else {
            report(["seal", name], "missing-key", messages.text("seal-without-certificate", ["name": name]))
            return nil
        }
        var profile = DaemonConfiguration.SealProfile(name: name, certificate: "")
        var valid = true
        var pinSources: [DaemonConfiguration.SealProfile.PINSource] = []
        var folders: [String: String] = [:]
        _ = certificateValue
        for key in table.keys {
            guard let value = table[key] else { continue }
            let path = ["seal", name, key]
            switch key {
            case "certificate":
                guard let text = string(value, path) else { valid = false; continue }
                let lower = text.lowercased()
                if lower.count >= 8, lower.count <= 64, lower.allSatisfy(\.isHexDigit) {
                    profile.certificate = lower
                } else {
                    report(path, "bad-certificate", messages.text("bad-policy-certificate", ["text": text]), element: text)
                    valid = false
                }
            case "xml":
                if let method: DaemonConfiguration.SealProfile.Method = choice(value, path) { profile.xml = method } else { valid = false }
            case "other":
                if let method: DaemonConfiguration.SealProfile.Method = choice(value, path) { profile.other = method } else { valid = false }
            case "level":
                if let level: DaemonConfiguration.Level = choice(value, path) { profile.level = level } else { valid = false }
            case "digest":
                if let digest: DaemonConfiguration.Digest = choice(value, path) { profile.digest = digest } else { valid = false }
            case "sessions":
                if let count = integer(value, path, in: 1...64) { profile.sessions = count } else { valid = false }
            case "signing_nice":
                if let nice = integer(value, path, in: -20...19) { profile.signingNice = nice } else { valid = false }
            case "max_document_mib":
                if let bytes = mebibytes(value, path, in: 1...4096) { profile.maxDocumentBytes = bytes } else { valid = false }
            case "max_batch_mib":
                if let bytes = mebibytes(value, path, in: 1...1_048_576) { profile.maxBatchBytes = bytes } else { valid = false }
            case "pin_credential":
                guard let text = string(value, path), !text.isEmpty, !text.contains("/") else {
                    report(path, "bad-credential", messages.text("bad-credential"))
                    valid = false
                    continue
                }
                pinSources.append(.credential(text))
            case "pin_file":
                guard let text = string(value, path), let file = absolutePath(text, path) else { valid = false; continue }
                pinSources.append(.file(file))
            case "pin_prompt":
                guard let flag = boolean(value, path) else { valid = false; continue }
                if flag { pinSources.append(.prompt) }
            case "inbox", "outbox", "done", "failed":
                guard let text = string(value, path), let folder = absolutePath(text, path) else { valid = false; continue }
                folders[key] = folder
            default:
                unknownKey(key, in: "seal")
                valid = false
            }
        }
        if pinSources.count > 1 {
            report(["seal", name], "several-pin-sources", messages.text("several-pin-sources", ["name": name]))
            valid = false
        }
        profile.pin = pinSources.first ?? .prompt
        if !folders.isEmpty {
            guard folders.count == 4 else {
                report(["seal", name], "incomplete-hot-folder", messages.text("incomplete-hot-folder", ["name": name]))
                return nil
            }
            profile.hotFolder = .init(inbox: folders["inbox"]!, outbox: folders["outbox"]!, done: folders["done"]!, failed: folders["failed"]!)
            if Set(folders.values).count != 4 {
                report(["seal", name], "incomplete-hot-folder", messages.text("incomplete-hot-folder", ["name": name]))
                valid = false
            }
        }
        return valid ? profile : nil
    }
}
