// The Revocation module (see Package.swift and docs/architecture.md).
