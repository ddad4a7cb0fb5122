import XCTest

// Revocation tests: filled in with the module.
