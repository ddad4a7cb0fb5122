import XCTest

// Validation tests: filled in with the module.
