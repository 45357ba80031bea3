"""The bundled data: the sample fleet (sample-fleet.json) and the IAM policies (iam/), read with importlib.resources."""
