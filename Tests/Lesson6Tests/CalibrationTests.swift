// Sections 6 and 7: reliability bins, expected calibration error and temperature scaling.
// Bins as sklearn.calibration.calibration_curve(strategy="uniform") makes them; temperatures
// fitted by torch (LBFGS on log T, float64) and checked against scipy in the generator.

import CourseTesting
import Lesson6
import TensorCore
import XCTest

final class CalibrationTests: XCTestCase {
    private func checkBins(_ bins: [ReliabilityBin], _ f: Fixture, suffix: String, _ what: String) throws {
        XCTAssertEqual(bins.map(\.count), try f.ints("bins_count" + suffix), "\(what): reviews per bin")
        assertArraysClose(bins.map(\.meanProbability), try f.doubles("bins_mean_probability" + suffix),
                          tolerance: metricTolerance, "\(what): mean probability per bin")
        assertArraysClose(bins.map(\.fractionPositive), try f.doubles("bins_fraction_positive" + suffix),
                          tolerance: metricTolerance, "\(what): fraction positive per bin")
    }

    func testReliabilityBins_edgesAreRightClosed() throws {
        let f = try loadFixture("lesson6/reliability_edges")
        let bins = reliabilityBins(probabilities: try f.doubles("probabilities"), labels: try f.ints("labels"),
                                   binCount: try f.int("bins"))
        XCTAssertEqual(bins.count, 4, "one entry per bin, empty ones included")
        try checkBins(bins, f, suffix: "", "probabilities on bin edges (0.5 belongs to (0.25, 0.5], 0 to the first bin)")
    }

    func testReliabilityBins_beforeScaling() throws {
        let f = try loadFixture("lesson6/temperature_overconfident")
        let probabilities = scaledProbabilities(logits: try f.doubles("logits"), temperature: 1)
        let bins = reliabilityBins(probabilities: probabilities, labels: try f.ints("labels"), binCount: try f.int("bins"))
        try checkBins(bins, f, suffix: "_before", "over-confident model")
    }

    func testExpectedCalibrationError_edges() throws {
        let f = try loadFixture("lesson6/reliability_edges")
        let bins = [(0.0, 0.25, 3, 0.1, 0.0), (0.25, 0.5, 3, 0.4166666666666667, 0.3333333333333333),
                    (0.5, 0.75, 2, 0.65, 1.0), (0.75, 1.0, 3, 0.9666666666666667, 1.0)]
            .map { ReliabilityBin(lower: $0.0, upper: $0.1, count: $0.2, meanProbability: $0.3, fractionPositive: $0.4) }
        // Made-up bins first, so this part checks the ECE formula alone.
        let expected = (3 * 0.1 + 3 * abs(0.3333333333333333 - 0.4166666666666667) + 2 * 0.35 + 3 * abs(1 - 0.9666666666666667)) / 11
        assertClose(expectedCalibrationError(bins), expected, tolerance: metricTolerance, "ECE of hand-made bins")
        let fromData = reliabilityBins(probabilities: try f.doubles("probabilities"), labels: try f.ints("labels"), binCount: 4)
        assertClose(expectedCalibrationError(fromData), try f.scalar("ece"), tolerance: metricTolerance, "ECE of the edge-case data")
    }

    func testExpectedCalibrationError_beforeScaling() throws {
        for name in ["temperature_overconfident", "temperature_underconfident"] {
            let f = try loadFixture("lesson6/\(name)")
            let bins = reliabilityBins(probabilities: scaledProbabilities(logits: try f.doubles("logits"), temperature: 1),
                                       labels: try f.ints("labels"), binCount: try f.int("bins"))
            assertClose(expectedCalibrationError(bins), try f.scalar("ece_before"), tolerance: metricTolerance, "\(name): ECE before scaling")
        }
    }

    func testTemperatureNLL() throws {
        let f = try loadFixture("lesson6/temperature_overconfident")
        let logits = try f.doubles("logits"), labels = try f.ints("labels")
        let temperatures = try f.doubles("probe_temperatures"), expected = try f.doubles("probe_nll")
        for (t, e) in zip(temperatures, expected) {
            assertClose(temperatureNLL(logits: logits, labels: labels, temperature: t), e, tolerance: 1e-12,
                        "NLL at T = \(t) (torch binary_cross_entropy_with_logits(z / T, y))")
        }
        assertClose(temperatureNLL(logits: [1000, -1000], labels: [0, 1], temperature: 1), 1000, tolerance: 1e-12,
                    "NLL of confidently wrong logits ±1000 must stay finite (use the stable softplus)")
    }

    func testFitTemperature_overconfident() throws {
        let f = try loadFixture("lesson6/temperature_overconfident")
        let t = fitTemperature(logits: try f.doubles("logits"), labels: try f.ints("labels"))
        assertClose(t, try f.scalar("temperature"), tolerance: 1e-9, "fitted temperature (logits 3x too large)")
    }

    func testFitTemperature_underconfident() throws {
        let f = try loadFixture("lesson6/temperature_underconfident")
        let t = fitTemperature(logits: try f.doubles("logits"), labels: try f.ints("labels"))
        assertClose(t, try f.scalar("temperature"), tolerance: 1e-9, "fitted temperature (timid logits, T < 1)")
    }

    func testTemperatureScaling_lowersNLLAndECE() throws {
        for name in ["temperature_overconfident", "temperature_underconfident"] {
            let f = try loadFixture("lesson6/\(name)")
            let logits = try f.doubles("logits"), labels = try f.ints("labels")
            let t = fitTemperature(logits: logits, labels: labels)
            assertClose(temperatureNLL(logits: logits, labels: labels, temperature: t), try f.scalar("nll_after"),
                        tolerance: 1e-9, "\(name): NLL after scaling")
            let bins = reliabilityBins(probabilities: scaledProbabilities(logits: logits, temperature: t),
                                       labels: labels, binCount: try f.int("bins"))
            try checkBins(bins, f, suffix: "_after", "\(name) after scaling")
            assertClose(expectedCalibrationError(bins), try f.scalar("ece_after"), tolerance: 1e-10, "\(name): ECE after scaling")
        }
    }
}
