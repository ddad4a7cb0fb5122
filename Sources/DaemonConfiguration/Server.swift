import TOMLKit

extension DaemonConfiguration {
    /// `[server]`: the loopback TCP port and the Unix socket, and the bounds
    /// on what a request may send and how long it may take.
    public struct Server: Sendable, Equatable {
        /// `port`: the loopback TCP port (127.0.0.1 and ::1); 0 disables TCP.
        /// A system service (`--system`) opens it only when a file sets it:
        /// see ``DaemonConfiguration/tcpPort(system:files:problems:)``.
        public var port: Int
        /// `socket`: the Unix socket path; empty for the default (see
        /// ``DaemonConfiguration/socketPath(system:environment:)``).
        public var socket: String
        /// `socket_mode`: permission bits of the socket, e.g. `0o600`.
        public var socketMode: UInt16
        /// `socket_group`: the group owning the socket; empty for the daemon's group.
        public var socketGroup: String
        /// `agent_users`: users (names or uids) besides the daemon's own
        /// whose connections may be the clerk's agent (a system service:
        /// the clerks at the desk).
        public var agentUsers: [String]
        /// `allowed_origins`: web origins allowed to call the TCP API, normalised
        /// as browsers send them (`scheme://host[:port]`, lower case, no default port).
        public var allowedOrigins: [String]
        /// `max_body_mib`, in bytes: the largest raw document body.
        public var maxBodyBytes: Int
        /// `max_json_mib`, in bytes: the largest JSON request.
        public var maxJSONBytes: Int
        /// `agent_timeout_seconds`: how long a request waits for the clerk's agent (consent, PIN).
        public var agentTimeoutSeconds: Double
        /// `idle_timeout_seconds`: a connection idle this long is closed.
        public var idleTimeoutSeconds: Double
        /// `audit_file`: the audit trail (JSON lines, hash-chained); empty for
        /// the default (see ``DaemonConfiguration/auditPath(system:environment:)``).
        public var auditFile: String
        /// `pairing_file`: the web origins the clerk allowed "always" (hashes
        /// of their pairing tokens); empty for the default (see
        /// ``DaemonConfiguration/pairingPath(system:environment:)``).
        public var pairingFile: String
        /// `batch_dir`: where seal batches keep their documents, outputs and
        /// journals; empty for the default (see
        /// ``DaemonConfiguration/batchDirectory(system:environment:)``).
        public var batchDirectory: String
        /// `development_origins`: `http://localhost` and `http://127.0.0.1`
        /// (any port) may ask to pair, for developing a web application;
        /// otherwise only `https://` pages may.
        public var developmentOrigins: Bool
        /// `max_pairing_questions`: pairing questions open at once, all
        /// origins together; more get 429 `too-many-pairings`.
        public var maxPairingQuestions: Int
        /// `max_connections`: open connections per listener (the Unix socket,
        /// each loopback address); more wait in the kernel's queue.
        public var maxConnections: Int

        public init(
            port: Int = 35900,
            socket: String = "",
            socketMode: UInt16 = 0o600,
            socketGroup: String = "",
            agentUsers: [String] = [],
            allowedOrigins: [String] = [],
            maxBodyBytes: Int = 2048 * DaemonConfiguration.mebibyte,
            maxJSONBytes: Int = 32 * DaemonConfiguration.mebibyte,
            agentTimeoutSeconds: Double = 120,
            idleTimeoutSeconds: Double = 60,
            auditFile: String = "",
            pairingFile: String = "",
            batchDirectory: String = "",
            developmentOrigins: Bool = false,
            maxPairingQuestions: Int = 3,
            maxConnections: Int = 4096
        ) {
            self.port = port
            self.socket = socket
            self.socketMode = socketMode
            self.socketGroup = socketGroup
            self.agentUsers = agentUsers
            self.allowedOrigins = allowedOrigins
            self.maxBodyBytes = maxBodyBytes
            self.maxJSONBytes = maxJSONBytes
            self.agentTimeoutSeconds = agentTimeoutSeconds
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.auditFile = auditFile
            self.pairingFile = pairingFile
            self.batchDirectory = batchDirectory
            self.developmentOrigins = developmentOrigins
            self.maxPairingQuestions = maxPairingQuestions
            self.maxConnections = maxConnections
        }
    }

    /// The loopback TCP port to open (0: none). A user daemon opens `port`
    /// (default 35900); a system service opens one only when one of `files`
    /// sets `port` to a valid value: a shared machine's service is not
    /// reachable over TCP by accident.
    public func tcpPort(system: Bool, files: [String], problems: [ConfigurationProblem]) -> Int {
        guard system else { return server.port }
        guard !problems.contains(where: { $0.key == "server.port" }) else { return 0 }
        let set = files.contains { file in
            guard case .contents(let bytes) = FileSystem.contents(of: file),
                let root = try? TOMLTable(string: String(decoding: bytes, as: UTF8.self))
            else { return false }
            return root["server"]?.table?["port"] != nil
        }
        return set ? server.port : 0
    }
}
