import Foundation

/// JUnit XML as CI systems read it (testsuites / testsuite / testcase, `<failure>` for a
/// failed case, `<properties>` for figures). No timestamps or host names, so the same
/// results give the same file on every machine.
struct JUnitReport {
    struct TestCase {
        let name: String
        let classname: String
        /// The failure's one-line message and its longer text, nil when the case passed.
        var failure: (message: String, text: String)?
        /// The case could not run (the model could not be simulated): its message and kind.
        var error: (message: String, type: String)?
        var properties: [(String, String)] = []
    }

    struct TestSuite {
        let name: String
        var properties: [(String, String)] = []
        var cases: [TestCase] = []
        var failures: Int { cases.filter { $0.failure != nil }.count }
        var errors: Int { cases.filter { $0.error != nil }.count }
    }

    let name: String
    var suites: [TestSuite] = []

    func xml() -> String {
        let tests = suites.reduce(0) { $0 + $1.cases.count }
        let failures = suites.reduce(0) { $0 + $1.failures }
        let errors = suites.reduce(0) { $0 + $1.errors }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(Self.escape(name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"0\">\n"
        for (id, suite) in suites.enumerated() {
            out += "  <testsuite name=\"\(Self.escape(suite.name))\" id=\"\(id)\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failures)\" errors=\"\(suite.errors)\" skipped=\"0\" time=\"0\">\n"
            if !suite.properties.isEmpty {
                out += "    <properties>\n"
                for (k, v) in suite.properties { out += "      <property name=\"\(Self.escape(k))\" value=\"\(Self.escape(v))\"/>\n" }
                out += "    </properties>\n"
            }
            for c in suite.cases {
                out += "    <testcase name=\"\(Self.escape(c.name))\" classname=\"\(Self.escape(c.classname))\" time=\"0\">\n"
                if !c.properties.isEmpty {
                    out += "      <properties>\n"
                    for (k, v) in c.properties { out += "        <property name=\"\(Self.escape(k))\" value=\"\(Self.escape(v))\"/>\n" }
                    out += "      </properties>\n"
                }
                if let f = c.failure {
                    out += "      <failure message=\"\(Self.escape(f.message))\" type=\"budget\">\(Self.escape(f.text))</failure>\n"
                }
                if let e = c.error {
                    out += "      <error message=\"\(Self.escape(e.message))\" type=\"\(Self.escape(e.type))\">\(Self.escape(e.message))</error>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// Escapes text for an attribute or element. Characters XML 1.0 cannot hold at all
    /// (most C0 controls) become U+FFFD; line breaks and tabs in attributes become
    /// character references so parsers keep them.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                let v = scalar.value
                if v < 0x20 || (0xFFFE...0xFFFF).contains(v) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
