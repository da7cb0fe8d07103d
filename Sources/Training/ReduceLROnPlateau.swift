// torch.optim.lr_scheduler.ReduceLROnPlateau (threshold_mode "rel", cooldown 0): when the
// monitored validation figure has not improved by more than `threshold` (relative) for more
// than `patience` epochs, the learning rate is multiplied by `factor`, down to `minimum`.

public struct ReduceLROnPlateau: Codable, Equatable, Sendable {
    public enum Mode: String, Codable, Sendable { case min, max }

    public var mode: Mode
    public var factor: Double
    public var patience: Int
    public var threshold: Double
    public var minimum: Double
    public private(set) var best: Double?
    public private(set) var badEpochs = 0

    public init(mode: Mode = .min, factor: Double = 0.5, patience: Int = 1, threshold: Double = 1e-4, minimum: Double = 0) {
        precondition(factor > 0 && factor < 1, "ReduceLROnPlateau: factor must be in (0, 1), got \(factor)")
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.minimum = minimum
    }

    func improves(_ value: Double, on best: Double) -> Bool {
        switch mode {
        case .min: return value < best * (1 - threshold)
        case .max: return value > best * (1 + threshold)
        }
    }

    /// Takes one epoch's figure and returns the learning rate for the next epoch.
    public mutating func step(_ value: Double, learningRate: Double) -> Double {
        if let b = best, !improves(value, on: b) {
            badEpochs += 1
        } else {
            best = value
            badEpochs = 0
        }
        if badEpochs > patience {
            badEpochs = 0
            return max(learningRate * factor, minimum)
        }
        return learningRate
    }
}
