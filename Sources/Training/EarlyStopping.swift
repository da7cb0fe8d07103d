// Early stopping on a validation figure: the run stops when the figure has not improved for
// `patience` epochs in a row. `isBest` tells the loop when to keep the best checkpoint.

public struct EarlyStopping: Codable, Equatable, Sendable {
    public var mode: ReduceLROnPlateau.Mode
    public var patience: Int
    public private(set) var best: Double?
    public private(set) var bestEpoch = 0
    public private(set) var epochsWithoutImprovement = 0

    public init(mode: ReduceLROnPlateau.Mode = .min, patience: Int = 2) {
        self.mode = mode
        self.patience = patience
    }

    /// Takes epoch `epoch`'s figure; returns whether it is the best so far.
    @discardableResult
    public mutating func update(_ value: Double, epoch: Int) -> Bool {
        let better: Bool
        if let b = best {
            better = mode == .min ? value < b : value > b
        } else {
            better = value.isFinite
        }
        if better {
            best = value
            bestEpoch = epoch
            epochsWithoutImprovement = 0
        } else {
            epochsWithoutImprovement += 1
        }
        return better
    }

    public var shouldStop: Bool { patience > 0 && epochsWithoutImprovement >= patience }
}
