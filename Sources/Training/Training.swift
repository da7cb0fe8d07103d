// The Training module: what every lesson's training run shares and no student writes.
//
//   Checkpoint            versioned binary file of named Float tensors + JSON, CRC32-checked,
//                         written atomically (AtomicFile)
//   TrainingState         everything --resume needs besides the tensors (epoch, step, history,
//                         learning-rate schedule, early stopping, best validation)
//   TrainingLoop          the epoch/step driver: progress bar, per-epoch table, checkpoints,
//                         NaN/Inf stop, ReduceLROnPlateau, early stopping
//   GradientClipping      global-norm clipping, as torch.nn.utils.clip_grad_norm_
//   RandomStreams         per-epoch and per-step seeds, so a resumed run draws the same numbers
//   Metrics*              classification metrics (accuracy, precision, recall, F1, ROC/PR AUC)

import TensorCore
