// The Validation module (see Package.swift and docs/architecture.md).
