package widget

// TestConfig lets the external tests (package widget_test, which may
// import the consent server without an import cycle) share the test site.
var TestConfig = testConfig
