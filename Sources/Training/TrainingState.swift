// Everything a resumed run needs besides the tensors: where the run is (epoch, step), what it has
// seen (history, per-step losses and gradient norms, the running sums of the unfinished epoch),
// and the state of the learning-rate schedule and early stopping. Stored as the JSON metadata
// of every checkpoint the loop writes.

public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double
    public var validationAccuracy: Double
    /// The learning rate the epoch trained with.
    public var learningRate: Double
    /// Wall time of the epoch: training steps plus validation.
    public var seconds: Double
    /// Real (non-padding) tokens the epoch trained on, and per second of training steps.
    public var tokens: Int
    public var tokensPerSecond: Double
    /// Whether this epoch's model is the best so far (its checkpoint was kept).
    public var isBest: Bool

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double,
                validationAccuracy: Double, learningRate: Double, seconds: Double, tokens: Int,
                tokensPerSecond: Double, isBest: Bool) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.seconds = seconds
        self.tokens = tokens
        self.tokensPerSecond = tokensPerSecond
        self.isBest = isBest
    }
}

/// Running sums of the epoch in progress (so a mid-epoch resume reports the same epoch loss).
public struct PartialEpoch: Codable, Equatable, Sendable {
    public var lossSum = 0.0
    public var correct = 0
    public var count = 0
    public var tokens = 0
    public var trainSeconds = 0.0
    public init() {}
}

public struct TrainingState: Codable, Equatable, Sendable {
    public var seed: UInt64
    /// The run's configuration as text; --resume refuses a checkpoint made with another one.
    public var fingerprint: String
    public var epochsCompleted = 0
    /// Steps done in epoch `epochsCompleted + 1` (0 at an epoch boundary).
    public var stepInEpoch = 0
    public var globalStep = 0
    public var learningRate: Double
    public var plateau: ReduceLROnPlateau?
    public var earlyStopping: EarlyStopping
    public var history: [EpochRecord] = []
    /// Per training step: the mean loss of the batch and the gradients' global norm before clipping.
    public var stepLosses: [Double] = []
    public var gradientNorms: [Double] = []
    public var partial = PartialEpoch()
    /// Set when the run has ended: "finished", "early stopping after epoch 5"...
    public var stopReason: String?

    public init(seed: UInt64, fingerprint: String, learningRate: Double,
                plateau: ReduceLROnPlateau?, earlyStopping: EarlyStopping) {
        self.seed = seed
        self.fingerprint = fingerprint
        self.learningRate = learningRate
        self.plateau = plateau
        self.earlyStopping = earlyStopping
    }

    public var bestEpoch: Int? { history.last(where: \.isBest)?.epoch }
    public var bestRecord: EpochRecord? { history.last(where: \.isBest) }
}

/// What the loop stores in each checkpoint's metadata: its own state and the task's description
/// of the model (configuration, vocabulary file...), which `eval` and `predict` read back.
public struct CheckpointMetadata: Codable, Sendable {
    public var state: TrainingState
    public var model: String

    public init(state: TrainingState, model: String) {
        self.state = state
        self.model = model
    }
}
