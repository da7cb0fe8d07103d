// Starts CourseTesting's grading recorder (GradingRecorder.swift) when the test bundle is loaded,
// before XCTest's main and before any lesson code can run. Swift has no load-time hook of its
// own; a C constructor in the test bundle is one.

#include "CourseTestingStartup.h"

// Defined in Swift with @_cdecl (CourseTesting/GradingRecorder.swift).
extern void course_testing_start(void);

__attribute__((constructor))
static void course_testing_startup(void) {
    course_testing_start();
}
