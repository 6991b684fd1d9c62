"""The API's routes, by what they serve: jobs, saved models, health."""
