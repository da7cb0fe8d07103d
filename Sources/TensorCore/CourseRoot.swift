// Where this checkout is, for the walkthroughs' out/ folders, the data paths and the fixtures.

import Foundation

/// The root of this checkout: COURSE_ROOT when set, otherwise found from this source file's
/// place (Sources/TensorCore/CourseRoot.swift), which is where tests and walkthroughs run from.
public var courseRoot: String {
    if let root = ProcessInfo.processInfo.environment["COURSE_ROOT"], !root.isEmpty { return root }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}
