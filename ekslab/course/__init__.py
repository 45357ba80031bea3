"""The course layer: what the training room uses on top of every other layer (notebooks, exercises,
readable tables, the classroom pre-flight ``ekslab doctor``)."""
