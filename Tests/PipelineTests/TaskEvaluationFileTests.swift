import CorpusIO
import Foundation
import Stages
import Testing
@testable import Pipeline

/// `plm eval --task FILE` reads any evaluation file, not only the manifest's.
@Suite struct TaskEvaluationFileTests {
    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plm-task-\(UUID().uuidString).jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("an evaluation file's items keep their ids, and records without an answer are left out")
    func itemsOfAFile() throws {
        let path = try Self.write("""
            {"id": "a", "prompt": "What is 2 + 3?", "answer": "5"}

            {"prompt": "text kept for decontamination only"}
            {"prompt": "7 - 4 = ?", "answer": "3", "solution": "7 - 4 = 3.\\nAnswer: 3"}

            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let items = try TaskEvaluation.items(path: path)
        let name = (path as NSString).lastPathComponent
        #expect(items == [EvaluationItem(id: "a", prompt: "What is 2 + 3?", answer: "5"),
                          EvaluationItem(id: "\(name)#2", prompt: "7 - 4 = ?", answer: "3")])
    }

    @Test("a line that is not a JSON object is an error naming the file and line")
    func badLineNamesFileAndLine() throws {
        let path = try Self.write("{\"prompt\": \"1 + 1\", \"answer\": \"2\"}\n\n[1, 2]\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try TaskEvaluation.items(path: path) } throws: { error in
            (error as? ExecutorError)?.message == "\(path):3: not a JSON object"
        }
    }

    @Test("a missing evaluation file is an error naming it")
    func missingFileIsNamed() {
        let path = "/nonexistent/plm-task.jsonl"
        #expect { try TaskEvaluation.items(path: path) } throws: { error in "\(error)".contains(path) }
    }
}
