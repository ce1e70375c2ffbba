"""Learning: the Digital Education for All portal (courses, lessons, quizzes, certificates),
offline classes and their attendance, community digital technology groups, and completions
recorded on other platforms. Every completion, whatever its channel, lands in one table."""
