"""The tenant model: policy assembled from files, effective settings, users x applications
targets, clouds."""
