extension DaemonConfiguration {
    /// A commented `podpisd.toml` with every key at its default, for the
    /// deployment documentation (parsing it gives `DaemonConfiguration()`).
    public static let documentedExample: String = """
        # /etc/podpis/podpisd.toml (system), overridden key by key by ~/.config/podpis/podpisd.toml (user)
        [server]
        port = 35900                  # loopback TCP port (127.0.0.1 and ::1); 0 disables TCP; with --system no TCP unless a file sets port
        socket = ""                   # Unix socket path; "" = default: $XDG_RUNTIME_DIR/podpis/podpisd.sock for a user daemon, /run/podpis/podpisd.sock with --system
        socket_mode = "0600"          # octal string; "0660" for a system service shared with a group
        socket_group = ""             # group name owning the socket ("" = the daemon's group)
        agent_users = []              # users (names or uids) besides the daemon's own who may run `podpis agent` (a system service: the clerks)
        allowed_origins = []          # web origins allowed to call the TCP API: "https://ezd.example.gov.pl" or "http://localhost:8080" (scheme://host[:port], no path, never "*")
        max_body_mib = 2048           # largest raw document body
        max_json_mib = 32             # largest JSON request
        agent_timeout_seconds = 120   # how long a request waits for the clerk's agent (consent/PIN)
        idle_timeout_seconds = 60     # a connection idle this long is closed
        audit_file = ""               # the audit trail (JSON lines, each with the SHA-256 of the one before); "" = ~/.local/state/podpis/audit.jsonl, /var/lib/podpis/audit.jsonl with --system
        pairing_file = ""             # web origins the clerk allowed "always" (only hashes of their tokens); "" = ~/.local/state/podpis/pairings.json, /var/lib/podpis/pairings.json with --system
        batch_dir = ""                # seal batches (documents, outputs, journals; kept until deleted); "" = ~/.local/state/podpis/batches, /var/lib/podpis/batches with --system
        development_origins = false   # true: http://localhost and http://127.0.0.1 pages (any port) may ask to pair; otherwise only https:// pages
        max_pairing_questions = 3     # pairing questions open at once (all pages together); more get 429 too-many-pairings
        max_connections = 4096        # open connections per listener; more wait in the kernel's queue
        [pkcs11]
        modules = []                  # PKCS#11 modules by path (vendor modules, HSMs)
        use_registered = true         # also the modules registered with p11-kit
        [timestamp]
        urls = []                     # RFC 3161 TSA URLs (http/https), tried in order
        timeout_seconds = 20
        [defaults]
        format = "xades"              # xades | cades
        packaging = "detached"        # enveloped | enveloping | detached
        level = "B-B"                 # B-B | B-T | B-LT | B-LTA (the last two: validation data from [verification])
        digest = "SHA-256"            # SHA-256 | SHA-384 | SHA-512
        [limits]
        xml_max_mib = 64
        xml_max_depth = 200
        xml_max_nodes = 2000000
        [verification]
        trust = []                    # POST /v1/verify (no token, no consent) trusts these anchors: PEM or DER files ("/etc/podpis/trust/company-ca.pem"), read at start
        max_mib = 0                   # largest signed file and its detached files together; 0 = [server] max_body_mib, at most 256
        trusted_lists = ""            # the cache podpis tl refresh fills ("/var/cache/podpis/trusted-lists"); "" = no trusted lists
        lotl_pins = "/usr/share/podpis/lotl-pins.pem"  # accepted signers of the EU list of lists (the Official Journal's)
        online = false                # fetch missing OCSP/CRL data (http/https only, never private addresses)
        allow_addresses = []          # private ranges fetching may reach all the same: your own PKI ("10.20.0.0/16")
        revocation_cache = ""         # keep fetched OCSP/CRL data here for POST /v1/extend and offline use ("/var/cache/podpis/revocation"); "" = none
        # [[policy]]                  # per certificate, first match wins; none = the defaults below
        # certificate = "*"           # "*" or 8+ hex digits of the certificate's SHA-256 (podpis certs, column ID)
        # users = ["jan", "1001"]     # local users (names or uids) who may use it; absent = whoever the socket admits
        # origins = ["https://ezd.example.gov.pl"]  # web origins (after pairing) that may use it; absent = any paired; [] = none
        # pin_cache_seconds = 0       # keep the token logged in this long after a PIN (yes/no only meanwhile); never for always-authenticate keys
        # max_documents = 100         # the most documents one consent may cover
        # digest_only = "local"       # a digest sent without the content: local = programs on the Unix socket only (never TCP/web pages) | always | never
        # [seal.NAME]                 # e.g. [seal.zaswiadczenia]: a seal profile for unattended sealing
        # certificate = "f194d32f02c78d47"  # 8+ hex digits of the seal certificate's SHA-256
        # xml = "xades-enveloped"     # XML documents: xades-enveloped | xades-enveloping | xades-detached | cades-attached | cades-detached
        # other = "cades-detached"    # every other document (PDF, …)
        # level = "B-B"               # B-B | B-T | B-LT | B-LTA (B-LT: certificates and revocation data inside, from [verification]; B-LTA: and an archive time-stamp)
        # digest = "SHA-256"
        # sessions = 4                # PKCS#11 sessions signing in parallel (an HSM: several; a card: 1)
        # signing_nice = -10          # nice of the threads calling C_Sign; below 0 needs LimitNICE=-10 in the unit
        # pin_credential = "podpis-seal-pin"  # $CREDENTIALS_DIRECTORY/NAME (LoadCredentialEncrypted=); or:
        # pin_file = "/etc/podpis/seal.pin"   # readable by root / the daemon only; or:
        # pin_prompt = false          # true: asked once at start (agent or systemd-ask-password)
        # max_document_mib = 64
        # max_batch_mib = 16384       # all documents of one batch together (tar uploads and PUTs); over it: batch-too-large
        # inbox = "/var/spool/podpis/inbox"   # hot folder: all four or none
        # outbox = "/var/spool/podpis/outbox"
        # done = "/var/spool/podpis/done"
        # failed = "/var/spool/podpis/failed"

        """
}
