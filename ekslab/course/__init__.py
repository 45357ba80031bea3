"""The course: exercises and their checker, readable tables, and the classroom pre-flight (``ekslab doctor``)."""
