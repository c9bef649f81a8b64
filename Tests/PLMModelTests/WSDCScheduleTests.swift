import Testing
@testable import PLMModel

@Suite struct WSDCScheduleTests {
    let schedule = WSDCSchedule(peakLearningRate: 1e-3, floorLearningRate: 1e-4, warmupSteps: 10, stableSteps: 20,
                                decaySteps: 8, constantSteps: 5, decayShape: .linear)

    @Test func segmentsMeetAtTheirBoundaries() {
        #expect(schedule.totalSteps == 43)
        #expect(schedule.segment(at: 0) == .warmup && schedule.segment(at: 9) == .warmup)
        #expect(schedule.segment(at: 10) == .stable && schedule.segment(at: 29) == .stable)
        #expect(schedule.segment(at: 30) == .decay && schedule.segment(at: 37) == .decay)
        #expect(schedule.segment(at: 38) == .constant && schedule.segment(at: 42) == .constant)
    }

    @Test func warmupIsLinearFromZeroToThePeak() {
        #expect(abs(schedule.learningRate(at: 0) - 1e-4) < 1e-15)         // 1/10 of the peak, never 0
        #expect(abs(schedule.learningRate(at: 4) - 5e-4) < 1e-15)
        #expect(schedule.learningRate(at: 9) == 1e-3)                      // last warmup step reaches the peak
        #expect(schedule.learningRate(at: 10) == 1e-3 && schedule.learningRate(at: 29) == 1e-3)
    }

    @Test(arguments: DecayShape.allCases)
    func decayEndsAtTheFloorAndStaysThere(shape: DecayShape) {
        var s = schedule
        s.decayShape = shape
        let rates = (30...37).map { s.learningRate(at: $0) }
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 }, "decay must fall strictly: \(rates)")
        #expect(rates.first! < 1e-3 && abs(rates.last! - 1e-4) < 1e-15)
        #expect((38...42).allSatisfy { s.learningRate(at: $0) == 1e-4 })
    }

    @Test func decayShapesAtTheirMidpoints() {
        // x = (step - 30 + 1) / 8; step 33 is x = 0.5, step 31 is x = 0.25.
        var s = schedule
        #expect(abs(s.learningRate(at: 33) - (1e-3 - 9e-4 * 0.5)) < 1e-15)
        s.decayShape = .cosine
        #expect(abs(s.learningRate(at: 33) - (1e-4 + 9e-4 * 0.5)) < 1e-15)
        #expect(abs(s.learningRate(at: 31) - (1e-4 + 9e-4 * (1 + 0.5.squareRoot() / 1) / 2)) < 1e-12)
        s.decayShape = .oneMinusSqrt
        #expect(abs(s.learningRate(at: 31) - (1e-4 + 9e-4 * 0.5)) < 1e-15)
    }
}

@Suite struct PhasedScheduleTests {
    let phases = [SchedulePhase(name: "pretrain-1", kind: .stable, steps: 100),
                  SchedulePhase(name: "pretrain-2", kind: .stable, steps: 50),
                  SchedulePhase(name: "anneal", kind: .decay, steps: 30),
                  SchedulePhase(name: "sft", kind: .constant, steps: 20)]

    @Test func phasesMapOntoSegments() throws {
        let run = try PhasedSchedule(phases: phases, peakLearningRate: 3e-4, floorLearningRate: 3e-5, warmupSteps: 10,
                                     decayShape: .oneMinusSqrt)
        #expect(run.totalSteps == 200)
        #expect(run.schedule.warmupSteps == 10 && run.schedule.stableSteps == 140)
        #expect(run.schedule.decaySteps == 30 && run.schedule.constantSteps == 20)
        #expect(run.range(ofPhase: "pretrain-1") == 0..<100)
        #expect(run.range(ofPhase: "pretrain-2") == 100..<150)
        #expect(run.range(ofPhase: "anneal") == 150..<180)
        #expect(run.range(ofPhase: "sft") == 180..<200)
        #expect(run.range(ofPhase: "dpo") == nil)
        // pretrain-2 holds the peak, anneal starts below it and ends at the floor, sft is the floor.
        #expect(run.schedule.learningRate(at: 100) == 3e-4 && run.schedule.learningRate(at: 149) == 3e-4)
        #expect(run.schedule.learningRate(at: 150) < 3e-4)
        #expect(abs(run.schedule.learningRate(at: 179) - 3e-5) < 1e-15)
        #expect(run.schedule.learningRate(at: 180) == 3e-5 && run.schedule.learningRate(at: 199) == 3e-5)
    }

    @Test func phasesOutOfSegmentOrderAreRejected() {
        let error = #expect(throws: ScheduleError.self) {
            try PhasedSchedule(phases: [phases[2], phases[0]], peakLearningRate: 1e-3, floorLearningRate: 0,
                               warmupSteps: 0, decayShape: .linear)
        }
        #expect(error?.message.contains("phase 'pretrain-1' is stable after a later segment") == true)
    }

    @Test func warmupLongerThanTheStablePhasesIsRejected() {
        #expect(throws: ScheduleError.self) {
            try PhasedSchedule(phases: phases, peakLearningRate: 1e-3, floorLearningRate: 0, warmupSteps: 151,
                               decayShape: .linear)
        }
    }
}
