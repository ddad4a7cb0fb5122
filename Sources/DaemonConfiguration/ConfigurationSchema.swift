/// The tables and keys of `podpisd.toml`, in the order of
/// ``DaemonConfiguration/documentedExample``: what "did you mean" chooses from.
enum ConfigurationSchema {
    static let tables: [(name: String, keys: [String])] = [
        ("server", [
            "port", "socket", "socket_mode", "socket_group", "agent_users", "allowed_origins",
            "max_body_mib", "max_json_mib", "agent_timeout_seconds", "idle_timeout_seconds", "audit_file",
            "pairing_file", "batch_dir", "development_origins", "max_pairing_questions", "max_connections",
        ]),
        ("pkcs11", ["modules", "use_registered"]),
        ("timestamp", ["urls", "timeout_seconds"]),
        ("defaults", ["format", "packaging", "level", "digest"]),
        ("limits", ["xml_max_mib", "xml_max_depth", "xml_max_nodes"]),
        ("verification", ["trust", "max_mib", "trusted_lists", "lotl_pins", "online", "allow_addresses", "revocation_cache"]),
        ("policy", ["certificate", "users", "origins", "pin_cache_seconds", "max_documents", "digest_only"]),
        ("seal", [
            "certificate", "xml", "other", "level", "digest", "sessions", "signing_nice", "pin_credential", "pin_file", "pin_prompt",
            "max_document_mib", "max_batch_mib", "inbox", "outbox", "done", "failed",
        ]),
    ]

    static var tableNames: [String] { tables.map(\.name) }

    static func keys(of table: String) -> [String] {
        tables.first(where: { $0.name == table })?.keys ?? []
    }

    /// The table holding `key`, for a key written outside any table.
    static func table(holding key: String) -> String? {
        tables.first(where: { $0.keys.contains(key) })?.name
    }
}
