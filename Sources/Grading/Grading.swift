// grading
