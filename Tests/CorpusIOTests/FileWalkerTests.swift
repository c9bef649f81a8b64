import Foundation
import Testing
@testable import CorpusIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates files (with parent folders) under `root`; each gets its path as content.
private func makeFiles(_ root: String, _ relativePaths: [String]) throws {
    for relative in relativePaths {
        let path = "\(root)/\(relative)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try writeFile(path, bytes(relative))
    }
}

private func symlink(_ target: String, at path: String) throws {
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
}

/// The tree most tests walk. Names chosen so that byte order differs from a whole-path sort
/// ("a/x.txt" comes before "a-b.txt": entries are sorted per directory) and from case-folded order.
private let treeFiles = [
    "b.txt", "a.txt", "B.txt", "a/x.txt", "a-b.txt", "_under.txt",
    "sub/deep/z.md", "sub/y.log", "build/out.txt", "docs/build/k.txt", "docs/readme.md",
]
private let treeOrder = [
    "B.txt", "_under.txt", "a/x.txt", "a-b.txt", "a.txt", "b.txt",
    "build/out.txt", "docs/build/k.txt", "docs/readme.md", "sub/deep/z.md", "sub/y.log",
]

@Suite("FileWalker")
struct FileWalkerTests {
    @Test("walks every regular file in byte order of names, per directory")
    func sortedTraversal() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, treeFiles)
            var walker = FileWalker()
            let files = walker.walk(root: root, filter: PathFilter())
            #expect(files.map(\.relativePath) == treeOrder)
            #expect(files.map(\.path) == treeOrder.map { "\(root)/\($0)" })
            #expect(files.map(\.size) == treeOrder.map { $0.utf8.count })
            #expect(walker.notes == [])
        }
    }

    @Test("a root given with a trailing slash yields clean paths")
    func trailingSlashRoot() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["x/y.txt"])
            var walker = FileWalker()
            let files = walker.walk(root: root + "/", filter: PathFilter())
            #expect(files.map(\.path) == ["\(root)/x/y.txt"])
            #expect(files.map(\.relativePath) == ["x/y.txt"])
        }
    }

    @Test("size and modification time are reported")
    func sizeAndModificationTime() throws {
        try withTemporaryDirectory { root in
            try writeFile("\(root)/f.bin", pseudoRandomBytes(count: 12_345, seed: 1))
            try setModificationTime("\(root)/f.bin", 1_700_000_000)
            var walker = FileWalker()
            #expect(walker.walk(root: root, filter: PathFilter()) == [
                WalkedFile(path: "\(root)/f.bin", relativePath: "f.bin", size: 12_345, modificationTime: 1_700_000_000),
            ])
        }
    }

    @Test("a single file as the root is yielded with its name as relative path")
    func singleFileRoot() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["dir/only.jsonl"])
            try setModificationTime("\(root)/dir/only.jsonl", 1_234_567_890)
            var walker = FileWalker()
            #expect(walker.walk(root: "\(root)/dir/only.jsonl", filter: PathFilter()) == [
                WalkedFile(path: "\(root)/dir/only.jsonl", relativePath: "only.jsonl",
                           size: "dir/only.jsonl".utf8.count, modificationTime: 1_234_567_890),
            ])
            #expect(walker.notes == [])
        }
    }

    @Test("a missing root yields nothing and an unreadable note")
    func missingRoot() throws {
        try withTemporaryDirectory { root in
            var walker = FileWalker()
            #expect(walker.walk(root: "\(root)/absent", filter: PathFilter()) == [])
            #expect(walker.notes == [WalkNote(path: "\(root)/absent", reason: .unreadable, detail: "No such file or directory")])
        }
    }

    static let filterCases: [(include: [String], exclude: [String], expected: [String])] = [
        (include: ["*.txt"], exclude: [],
         expected: ["B.txt", "_under.txt", "a/x.txt", "a-b.txt", "a.txt", "b.txt", "build/out.txt", "docs/build/k.txt"]),
        (include: [], exclude: ["build/"],
         expected: ["B.txt", "_under.txt", "a/x.txt", "a-b.txt", "a.txt", "b.txt", "docs/readme.md", "sub/deep/z.md", "sub/y.log"]),
        (include: ["*.txt"], exclude: ["build/", "a*"],  // "a*" is a file-name pattern: a/x.txt stays
         expected: ["B.txt", "_under.txt", "a/x.txt", "b.txt"]),
        (include: ["sub/*"], exclude: [],
         expected: ["sub/deep/z.md", "sub/y.log"]),
        (include: ["sub/*.md"], exclude: [],  // `*` crosses `/`
         expected: ["sub/deep/z.md"]),
        (include: ["docs/"], exclude: [],  // directory include: any directory on the path
         expected: ["docs/build/k.txt", "docs/readme.md"]),
        (include: [], exclude: ["docs/build/"],  // multi-component directory pattern
         expected: ["B.txt", "_under.txt", "a/x.txt", "a-b.txt", "a.txt", "b.txt", "build/out.txt", "docs/readme.md", "sub/deep/z.md", "sub/y.log"]),
        (include: ["*.md", "*.log"], exclude: ["readme.md"],
         expected: ["sub/deep/z.md", "sub/y.log"]),
        (include: ["[ab].txt"], exclude: [],
         expected: ["a.txt", "b.txt"]),
        (include: ["?.txt"], exclude: ["B*"],
         expected: ["a/x.txt", "a.txt", "b.txt", "docs/build/k.txt"]),
        (include: ["nothing-matches"], exclude: [],
         expected: []),
    ]

    @Test("include and exclude rules select files", arguments: filterCases)
    func filteredWalk(include: [String], exclude: [String], expected: [String]) throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, treeFiles)
            var walker = FileWalker()
            let files = walker.walk(root: root, filter: PathFilter(include: include, exclude: exclude))
            #expect(files.map(\.relativePath) == expected)
        }
    }

    static let keepCases: [(include: [String], exclude: [String], path: String, kept: Bool)] = [
        // No rules: everything.
        (include: [], exclude: [], path: "a/b.txt", kept: true),
        // No `/`: the file name alone.
        (include: ["*.txt"], exclude: [], path: "a/b.txt", kept: true),
        (include: ["*.txt"], exclude: [], path: "a/b.md", kept: false),
        (include: ["b.txt"], exclude: [], path: "deep/er/b.txt", kept: true),
        (include: ["a*"], exclude: [], path: "a/b.txt", kept: false),  // not the directory name
        (include: ["*.txt"], exclude: [], path: ".hidden.txt", kept: true),  // no special case for dot files
        // With `/`: the whole relative path, anchored, `*` crossing `/`.
        (include: ["a/*.txt"], exclude: [], path: "a/b/c.txt", kept: true),
        (include: ["a/*.txt"], exclude: [], path: "x/a/c.txt", kept: false),
        (include: ["a/b.txt"], exclude: [], path: "b.txt", kept: false),
        (include: ["*/c.txt"], exclude: [], path: "a/b/c.txt", kept: true),
        // Trailing `/`: directory names only, at any depth, never the file name.
        (include: [], exclude: ["build/"], path: "build/out.txt", kept: false),
        (include: [], exclude: ["build/"], path: "src/build/x/y.o", kept: false),
        (include: [], exclude: ["build/"], path: "src/build", kept: true),
        (include: [], exclude: ["build/"], path: "builder/x", kept: true),
        (include: [], exclude: ["build/"], path: "build.txt", kept: true),
        (include: [], exclude: ["b*/"], path: "src/bin/tool", kept: false),
        (include: ["src/"], exclude: [], path: "src/main.swift", kept: true),
        (include: ["src/"], exclude: [], path: "main.swift", kept: false),
        // Multi-component directory pattern: anchored at the root.
        (include: [], exclude: ["a/b/"], path: "a/b/c.txt", kept: false),
        (include: [], exclude: ["a/b/"], path: "x/a/b/c.txt", kept: true),
        (include: [], exclude: ["a/b/"], path: "a/b", kept: true),
        (include: [], exclude: ["*/tmp/"], path: "x/y/tmp/f", kept: false),
        // Exclude wins over include.
        (include: ["*.txt"], exclude: ["secret*"], path: "a/secret.txt", kept: false),
        (include: ["*.txt", "*.md"], exclude: ["*.log"], path: "notes.md", kept: true),
    ]

    @Test("PathFilter.keeps", arguments: keepCases)
    func keeps(include: [String], exclude: [String], path: String, kept: Bool) {
        #expect(PathFilter(include: include, exclude: exclude).keeps(relativePath: path) == kept)
    }

    static let pruneCases: [(exclude: [String], directory: String, pruned: Bool)] = [
        (exclude: ["build/"], directory: "build", pruned: true),
        (exclude: ["build/"], directory: "a/b/build", pruned: true),
        (exclude: ["build/"], directory: "builder", pruned: false),
        (exclude: ["build"], directory: "build", pruned: false),  // no trailing `/`: a file pattern
        (exclude: ["*.log"], directory: "x.log", pruned: false),
        (exclude: [".*/"], directory: "src/.git", pruned: true),
        (exclude: [], directory: "anything", pruned: false),
    ]

    @Test("PathFilter.prunes: only exclude patterns ending in /, matched on the directory name", arguments: pruneCases)
    func prunes(exclude: [String], directory: String, pruned: Bool) {
        #expect(PathFilter(exclude: exclude).prunes(directory: directory) == pruned)
        // Include patterns never prune.
        #expect(!PathFilter(include: exclude).prunes(directory: directory))
    }

    @Test("a pruned directory is not entered at all")
    func pruningSkipsContents() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["keep.txt", "node_modules/pkg/index.js"])
            // Something inside that would produce a note if the walk went in.
            try symlink("\(root)/nowhere", at: "\(root)/node_modules/dangling")
            var unfiltered = FileWalker()
            #expect(unfiltered.walk(root: root, filter: PathFilter()).map(\.relativePath)
                == ["keep.txt", "node_modules/pkg/index.js"])
            #expect(unfiltered.notes.map(\.path) == ["\(root)/node_modules/dangling"])
            var pruned = FileWalker()
            #expect(pruned.walk(root: root, filter: PathFilter(exclude: ["node_modules/"])).map(\.relativePath) == ["keep.txt"])
            #expect(pruned.notes == [])
        }
    }

    @Test("a directory symlink to its parent: the walk ends with a symlinkLoop note")
    func symlinkLoop() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["top.txt", "sub/inner.txt"])
            try symlink("..", at: "\(root)/sub/up")
            try symlink(".", at: "\(root)/self")
            var walker = FileWalker()
            let files = walker.walk(root: root, filter: PathFilter())
            #expect(files.map(\.relativePath) == ["sub/inner.txt", "top.txt"])
            #expect(walker.notes == [
                WalkNote(path: "\(root)/self", reason: .symlinkLoop, detail: "link back to a folder above it"),
                WalkNote(path: "\(root)/sub/up", reason: .symlinkLoop, detail: "link back to a folder above it"),
            ])
        }
    }

    @Test("a directory symlink pointing outside the root is followed")
    func followsDirectoryLink() throws {
        try withTemporaryDirectory { dir in
            try makeFiles(dir, ["outside/o.txt", "root/r.txt"])
            try symlink("\(dir)/outside", at: "\(dir)/root/linked")
            var walker = FileWalker()
            let files = walker.walk(root: "\(dir)/root", filter: PathFilter())
            #expect(files.map(\.relativePath) == ["linked/o.txt", "r.txt"])
            #expect(files.map(\.path) == ["\(dir)/root/linked/o.txt", "\(dir)/root/r.txt"])
            #expect(walker.notes == [])
        }
    }

    @Test("a file reached by two symlinks is yielded once, with a duplicateLink note")
    func duplicateLinks() throws {
        try withTemporaryDirectory { dir in
            try makeFiles(dir, ["outside/real.txt", "root/plain.txt"])
            try symlink("\(dir)/outside/real.txt", at: "\(dir)/root/link1")
            try symlink("../outside/real.txt", at: "\(dir)/root/link2")
            try FileManager.default.linkItem(atPath: "\(dir)/root/plain.txt", toPath: "\(dir)/root/zz-hardlink")
            var walker = FileWalker()
            let files = walker.walk(root: "\(dir)/root", filter: PathFilter())
            #expect(files.map(\.relativePath) == ["link1", "plain.txt"])
            #expect(files.map(\.size) == ["outside/real.txt".utf8.count, "root/plain.txt".utf8.count])
            #expect(walker.notes == [
                WalkNote(path: "\(dir)/root/link2", reason: .duplicateLink, detail: "same file already reached by another path"),
                WalkNote(path: "\(dir)/root/zz-hardlink", reason: .duplicateLink, detail: "same file already reached by another path"),
            ])
        }
    }

    @Test("a file excluded under one name is still yielded under a kept name")
    func duplicateOnlyCountsKeptFiles() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["a.skip"])
            try symlink("\(root)/a.skip", at: "\(root)/b.txt")
            var walker = FileWalker()
            #expect(walker.walk(root: root, filter: PathFilter(exclude: ["*.skip"])).map(\.relativePath) == ["b.txt"])
            #expect(walker.notes == [])
        }
    }

    @Test("one walker visits each file once across several roots")
    func overlappingRoots() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["x.txt", "sub/y.txt"])
            var walker = FileWalker()
            #expect(walker.walk(root: "\(root)/sub", filter: PathFilter()).map(\.relativePath) == ["y.txt"])
            #expect(walker.walk(root: root, filter: PathFilter()).map(\.relativePath) == ["x.txt"])
            #expect(walker.notes == [
                WalkNote(path: "\(root)/sub", reason: .duplicateLink, detail: "same folder already reached by another path"),
            ])
        }
    }

    @Test("a folder reached by two links (not a loop) is walked once, with a duplicateLink note")
    func duplicateDirectoryLinks() throws {
        try withTemporaryDirectory { dir in
            try makeFiles(dir, ["shared/s.txt", "root/own.txt"])
            try symlink("\(dir)/shared", at: "\(dir)/root/first")
            try symlink("../shared", at: "\(dir)/root/second")
            var walker = FileWalker()
            let files = walker.walk(root: "\(dir)/root", filter: PathFilter())
            #expect(files.map(\.relativePath) == ["first/s.txt", "own.txt"])
            #expect(walker.notes == [
                WalkNote(path: "\(dir)/root/second", reason: .duplicateLink, detail: "same folder already reached by another path"),
            ])
        }
    }

    @Test("a dangling symlink is noted as a link to nothing and skipped")
    func danglingSymlink() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["ok.txt"])
            try symlink("\(root)/missing-target", at: "\(root)/broken")
            var walker = FileWalker()
            #expect(walker.walk(root: root, filter: PathFilter()).map(\.relativePath) == ["ok.txt"])
            #expect(walker.notes == [WalkNote(path: "\(root)/broken", reason: .danglingLink, detail: "a link to nothing")])
        }
    }

    @Test("a FIFO is skipped with a notRegular note")
    func fifo() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["ok.txt"])
            try #require(mkfifo("\(root)/pipe", 0o644) == 0)
            var walker = FileWalker()
            #expect(walker.walk(root: root, filter: PathFilter()).map(\.relativePath) == ["ok.txt"])
            #expect(walker.notes == [WalkNote(path: "\(root)/pipe", reason: .notRegular, detail: "not a regular file")])
        }
    }

    @Test("an unreadable directory (chmod 000)")
    func unreadableDirectory() throws {
        try withTemporaryDirectory { root in
            try makeFiles(root, ["ok.txt", "locked/secret.txt"])
            try #require(chmod("\(root)/locked", 0o000) == 0)
            defer { chmod("\(root)/locked", 0o755) }
            var walker = FileWalker()
            let files = walker.walk(root: root, filter: PathFilter())
            if geteuid() == 0 {
                // root ignores permission bits: the directory is read like any other.
                #expect(files.map(\.relativePath) == ["locked/secret.txt", "ok.txt"])
                #expect(walker.notes == [])
            } else {
                #expect(files.map(\.relativePath) == ["ok.txt"])
                #expect(walker.notes == [WalkNote(path: "\(root)/locked", reason: .unreadable, detail: "Permission denied")])
            }
        }
    }

    @Test("expand: globs sorted, plain paths when they exist, nothing for no match")
    func expand() throws {
        try withTemporaryDirectory { dir in
            try makeFiles(dir, ["in/a2.txt", "in/a1.txt", "in/b.md", "in/sub/a3.txt", "other/a9.txt"])
            #expect(FileWalker.expand("\(dir)/in/a*.txt") == ["\(dir)/in/a1.txt", "\(dir)/in/a2.txt"])
            #expect(FileWalker.expand("\(dir)/in/*") == ["\(dir)/in/a1.txt", "\(dir)/in/a2.txt", "\(dir)/in/b.md", "\(dir)/in/sub"])
            #expect(FileWalker.expand("\(dir)/*/a?.txt") == ["\(dir)/in/a1.txt", "\(dir)/in/a2.txt", "\(dir)/other/a9.txt"])
            #expect(FileWalker.expand("\(dir)/in/[b]*") == ["\(dir)/in/b.md"])
            #expect(FileWalker.expand("\(dir)/in/b.md") == ["\(dir)/in/b.md"])
            #expect(FileWalker.expand("\(dir)/in") == ["\(dir)/in"])
            #expect(FileWalker.expand("\(dir)/in/missing.txt") == [])
            #expect(FileWalker.expand("\(dir)/in/*.none") == [])
            #expect(FileWalker.expand("\(dir)/absent/*") == [])
        }
    }

    @Test("WalkNote reasons have stable log names")
    func reasonNames() {
        #expect(WalkNote.Reason.unreadable.rawValue == "unreadable")
        #expect(WalkNote.Reason.symlinkLoop.rawValue == "symlink_loop")
        #expect(WalkNote.Reason.duplicateLink.rawValue == "duplicate_link")
        #expect(WalkNote.Reason.notRegular.rawValue == "not_regular")
    }
}
