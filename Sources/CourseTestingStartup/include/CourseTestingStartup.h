// CourseTestingStartup has no API: it only starts CourseTesting's grading recorder (see startup.c).
#ifndef COURSE_TESTING_STARTUP_H
#define COURSE_TESTING_STARTUP_H
#endif
