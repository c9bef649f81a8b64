import CorpusIO
import Foundation
import Testing
@testable import Curation

@Suite("PostTraining chat generators")
struct PostTrainingChatTests {
    static let dpkgStatus = """
        Package: foo
        Status: install ok installed
        Description: frobnicate the widgets
         Foo frobnicates widgets
         quickly and well.
         .
         It supports:
           verbatim line one
           verbatim line two
         .
         Last paragraph.

        Package: nodesc
        Version: 1

         orphan continuation
        Package: bad

        Package: foo
        Description: the same package for another architecture

        """

    @Test("dpkg status: continuation lines, ' .' breaks, verbatim lines; bad stanzas counted")
    func dpkgStanzas() throws {
        let folder = try TemporaryFolder()
        try folder.write("status", Self.dpkgStatus)
        let output = try DpkgStatusChat(seed: 7).generate(paths: [folder.path + "/status"])
        #expect(output.records.count == 1)
        let record = try #require(output.records.first)
        #expect(record.id == "dpkg-descriptions/status#0")
        #expect(record.messages.map(\.role) == [.user, .assistant])
        #expect(record.messages[1].content == """
            Frobnicate the widgets.

            Foo frobnicates widgets quickly and well.

            It supports:

              verbatim line one
              verbatim line two

            Last paragraph.
            """)
        #expect(record.messages[0].content.contains("foo"))
        #expect(output.stats.filesRead == 1)
        #expect(output.stats.skipped == [.malformedStanza: 1, .duplicatePackage: 1, .noDescription: 1])
    }

    @Test("dpkg questions: one of the phrasings, fixed by seed and name, varied across seeds")
    func dpkgPhrasing() {
        let first = DpkgStatusChat(seed: 1).question(package: "bash")
        #expect(first == DpkgStatusChat(seed: 1).question(package: "bash"))
        let asked = Set((0..<32).map { DpkgStatusChat(seed: UInt64($0)).question(package: "bash") })
        #expect(asked.count > 1)
        #expect(asked.allSatisfy { question in DpkgStatusChat.questions.contains { $0("bash") == question } })
    }

    static let manPage = """
        .\\" A comment line that must vanish.
        .TH FOO 1
        .SH "NAME"
        foo, bar \\- frobnicate \\fIwidgets\\fP \\(em quickly
        .SH SYNOPSIS
        .B foo
        [\\fB\\-v\\fR]
        .OP \\-o file
        .BR \\-\\-mode = fast
        [\\fB\\-q\\fR]\\
        [\\fB\\-r\\fR]
        .br
        \\fBfoo\\fR \\fI\\,FILE\\/\\fR\\ ... \\" a trailing comment
        .SH DESCRIPTION
        Text.

        """

    @Test("man page: NAME as a sentence, SYNOPSIS as plain text; redirects and pages without NAME counted")
    func manPages() throws {
        let folder = try TemporaryFolder()
        try folder.compressed("man1/foo.1.gz", filter: .gzip, Array(Self.manPage.utf8))
        try folder.compressed("man1/baz.1.gz", filter: .gzip, Array(".so man1/foo.1\n".utf8))
        try folder.write("man1/qux.1", ".TH QUX 1\n.SH DESCRIPTION\nNo name here.\n")
        try folder.write("man1/broken.1.gz", "not gzip at all")
        let output = try ManPageChat().generate(paths: [folder.path + "/man1"])
        #expect(output.records == [
            ChatRecord(id: "man-pages/man1/foo.1.gz#0", user: "What does the command foo do?",
                       assistant: "Frobnicate widgets — quickly."),
            ChatRecord(id: "man-pages/man1/foo.1.gz#1", user: "How do I run foo?",
                       assistant: "foo [-v] [-o file] --mode=fast [-q][-r]\nfoo FILE ..."),
        ])
        #expect(output.stats.filesRead == 4)
        #expect(output.stats.skipped == [.redirect: 1, .noNameSection: 1, .unreadable: 1])
    }

    @Test("groff escapes: fonts, sizes, named characters, pod2man strings")
    func groffEscapes() {
        #expect(GroffText.plain("\\fBls\\fR \\f(CWx\\fP \\f[I]y\\f[]") == "ls x y")
        #expect(GroffText.plain("\\s-1CA\\s0.pl \\*(L\"q\\*(R\" \\(aqa\\(aq \\[u2014] \\e\\&.") == "CA.pl “q” 'a' — \\.")
        #expect(GroffText.render([".nf", "  two  spaces", ".fi", "a", "b"]) == "  two  spaces\na b")
    }

    static let python = #"""
        """Module docstring."""
        import os


        def add_numbers(first: int,
                        second: int = 2,  # the default
                        ) -> int:
            """Add two numbers and return their sum.

            More details here.
            """
            return first + second


        def _private():
            """This is private and long enough to count."""


        def short():
            """Too short."""


        class Widget(Base):
            """A widget that frobnicates
            things in place.

            Details.
            """

            def spin(self, speed, *, reverse=False):
                '''Spin the widget at the given speed.'''

                def inner():
                    """Nested helpers are not API, so no record."""

            def _hidden(self):
                """Hidden method docstring that is long."""


        text = """
        def fake(x):
            '''Inside a string, not a definition at all.'''
        """

        """#

    @Test("Python: multi-line def, class and method docstrings; private, short and nested skipped")
    func pythonDocstrings() throws {
        let folder = try TemporaryFolder()
        try folder.write("lib/dist-packages/pkg/tools.py", Self.python)
        try folder.write("lib/dist-packages/pkg/notes.txt", "def ignored(): pass")
        try folder.write("lib/dist-packages/pkg/_impl.py", "def helper(x):\n    \"\"\"A public name in a private module.\"\"\"\n")
        let output = try DocstringChat().generate(paths: [folder.path + "/lib"])
        let file = "python-docstrings/lib/dist-packages/pkg/tools.py"
        #expect(output.records == [
            ChatRecord(id: file + "#0", user: "What does the Python function `pkg.tools.add_numbers(first: int, second: int = 2)` do?",
                       assistant: "Add two numbers and return their sum."),
            ChatRecord(id: file + "#1", user: "What does the Python class `pkg.tools.Widget` do?",
                       assistant: "A widget that frobnicates\nthings in place."),
            ChatRecord(id: file + "#2", user: "What does the Python method `pkg.tools.Widget.spin(speed, *, reverse=False)` do?",
                       assistant: "Spin the widget at the given speed."),
        ])
        #expect(output.stats.filesRead == 2)
        #expect(output.stats.skipped == [.privateName: 3, .shortDocstring: 1])
    }

    @Test("Python module names from paths", arguments: [
        ("json/decoder.py", "json.decoder"), ("dist-packages/pkg/sub/__init__.py", "pkg.sub"),
        ("site-packages/mod.py", "mod"), ("tool.py", "tool"),
    ])
    func moduleNames(path: String, module: String) {
        #expect(DocstringChat.moduleName(path) == module)
    }

    static let license = """

                            FOO PUBLIC LICENSE
                               Version 1, May 2020

         Copyright (C) 2020 Foo Foundation
         51 Foo Street

         Everyone is permitted to copy and distribute verbatim copies
         of this license document, but changing it is not allowed.

                                    Preamble

          The Foo Public License is a free license
        for software and other works.

          Second paragraph here
        that is ignored.

        """

    @Test("licenses: centred title, first substantive paragraph; a link to a license read once under its target's name")
    func licenses() throws {
        let folder = try TemporaryFolder()
        try folder.write("licenses/FOO-1", Self.license)
        try folder.write("licenses/MPL-X", "Mozilla Public License Version 9\n===============================\n\n1. Definitions\n--------------\n\n1.1. \"Contributor\"\n    means each individual.\n")
        try folder.write("licenses/BSD-X", "Copyright (c) X.\nAll rights reserved.\n\nRedistribution and use are\npermitted:\n1. Keep this notice.\n2. Do not sue.\n")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/licenses/FOO", withDestinationPath: "FOO-1")
        let output = try LicenseSummaryChat().generate(paths: [folder.path + "/licenses"])
        #expect(output.records == [
            ChatRecord(id: "license-summaries/licenses/BSD-X#0", user: "What is the BSD-X license?",
                       assistant: "Redistribution and use are permitted:\n1. Keep this notice.\n2. Do not sue."),
            ChatRecord(id: "license-summaries/licenses/FOO-1#0", user: "What is the FOO-1 license?",
                       assistant: "FOO PUBLIC LICENSE\nVersion 1, May 2020\n\nThe Foo Public License is a free license for software and other works."),
            ChatRecord(id: "license-summaries/licenses/FOO-1#1", user: "What is the full title of the FOO-1 license?",
                       assistant: "FOO PUBLIC LICENSE, Version 1, May 2020"),
            ChatRecord(id: "license-summaries/licenses/MPL-X#0", user: "What is the MPL-X license?",
                       assistant: "Mozilla Public License Version 9\n\n1.1. \"Contributor\" means each individual."),
            ChatRecord(id: "license-summaries/licenses/MPL-X#1", user: "What is the full title of the MPL-X license?",
                       assistant: "Mozilla Public License Version 9"),
        ])
        #expect(output.stats.filesRead == 3)
        #expect(output.stats.skipped == [.alias: 1])
    }

    @Test("a named path that does not exist is an error naming it; a limit caps the records")
    func missingPathAndLimit() throws {
        let folder = try TemporaryFolder()
        let missing = folder.path + "/nope"
        #expect(throws: PostTrainingError.missingPath(missing)) {
            try PostTrainingGenerator.generate(.licenseSummaries, paths: [missing], limit: nil, seed: 0, split: .train)
        }
        try folder.write("licenses/FOO-1", Self.license)
        let output = try PostTrainingGenerator.generate(.licenseSummaries, paths: [folder.path + "/licenses"], limit: 1)
        #expect(output.records.count == 1)
        #expect(output.stats.records == 1)
    }

    @Test("JSONL lines have fixed key order and exact bytes; files appear atomically")
    func writers() throws {
        let folder = try TemporaryFolder()
        let records = [
            ChatRecord(id: "a/b#0", user: "Say \"hi\"", assistant: "hi\nthere"),
            ChatRecord(id: "arithmetic/train#0", user: "What is 1 + 2?", assistant: "1 + 2 = 3.\nAnswer: 3", answer: "3"),
        ]
        try PostTrainingData.writeChatRecords(records, to: folder.path + "/chat.jsonl")
        #expect(String(decoding: try folder.read("chat.jsonl"), as: UTF8.self) == """
            {"id":"a/b#0","messages":[{"content":"Say \\"hi\\"","role":"user"},{"content":"hi\\nthere","role":"assistant"}]}
            {"id":"arithmetic/train#0","messages":[{"content":"What is 1 + 2?","role":"user"},{"content":"1 + 2 = 3.\\nAnswer: 3","role":"assistant"}],"answer":"3"}

            """)
        #expect(!FileSystem.exists(folder.path + "/chat.jsonl.tmp"))
        try PostTrainingData.writeEvaluationItems(records.compactMap(\.evaluationItem), to: folder.path + "/eval.jsonl")
        #expect(String(decoding: try folder.read("eval.jsonl"), as: UTF8.self) == """
            {"id":"arithmetic/train#0","prompt":"What is 1 + 2?","answer":"3","solution":"1 + 2 = 3.\\nAnswer: 3"}

            """)
    }
}
