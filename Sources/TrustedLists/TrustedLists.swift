// The TrustedLists module (see Package.swift and docs/architecture.md).
