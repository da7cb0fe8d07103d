// The tolerances Lesson 1's tests use (the README's section 8 explains them).
// compare()/assertClose measure |got - expected| / max(1, |expected|).

enum Tolerance {
    /// Double code against a float64 PyTorch fixture: both round the same sums differently,
    /// in the last few of ~16 digits. The course's tolerance for this in every lesson.
    static let double = 1e-10
    /// Float code against the same fixture, one step: Float keeps ~7 significant digits. The
    /// course's tolerance for this in every lesson.
    static let float = 2e-5
    /// Float Adam after 10 steps: each step divides by √v, which magnifies earlier rounding.
    static let floatAdam = 1e-4
    /// CS231n's threshold for a correct backward pass checked by centred differences in Double.
    static let gradientCheck = 1e-7
}

/// The Linear fixtures: (batch, in, out), batch 1 included.
let linearCases = ["linear_b1_in3_out2", "linear_b4_in5_out3", "linear_b7_in8_out1"]
/// The BCE fixtures with ordinary logits.
let bceCases = ["bce_b1", "bce_b8", "bce_4x3_soft"]
