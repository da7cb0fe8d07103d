// Section 12: what the trained model costs to ship and to run, measured on the base run of
// Tools/ablations.sh (release build; timings on this machine, whatever else it is doing). The
// measuring is Lesson 6's Deployment.swift, shared with `sentiment deploy`:
//
//   size on disk       best.ckpt as training wrote it (weights + Adam's two moments), the
//                      weights alone in Float32, the same weights int8 with per-row scales
//                      (Solutions/Lesson6/Quantization.swift), and the vocabulary file
//   latency            one review at a time, end to end (tokenise, encode, forward, sigmoid),
//                      on ONE thread (OpenBLAS and the LSTM's batch shards both set to 1)
//   throughput         the whole test split in batches of 64 reviews, both cores, encoded first
//   int8               the int8 file read back, dequantised, evaluated on the same test split

import CourseData
import Foundation
import Lesson6
import WalkthroughSupport

/// Lesson 6's record, under the name the rest of the walkthrough (LSTMFigures) uses without importing Lesson6.
typealias DeploymentRecord = Lesson6.DeploymentRecord

/// The figures of `run` on its test reviews; the two weight files go to out/lesson6/deploy/.
func measureDeployment(_ run: CachedRun, reviews: [Review]) throws -> DeploymentRecord {
    let folder = "\(outDirectory)/deploy"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let settings = DeploymentSettings(run: run.name, command: run.command, float32Path: "\(folder)/model-float32.ckpt",
                                      int8Path: "\(folder)/model-int8.bin", latencyReviews: 300, batchSize: 64)
    return try Deployment.measure(checkpointPath: run.bestCheckpoint, reviews: reviews, settings: settings)
}

func printDeployment(_ d: DeploymentRecord) {
    Deployment.report(d, float32File: "deploy/model-float32.ckpt", int8File: "deploy/model-int8.bin").forEach { print($0) }
}
