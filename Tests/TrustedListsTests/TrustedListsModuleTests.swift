import XCTest

// TrustedLists tests: filled in with the module.
