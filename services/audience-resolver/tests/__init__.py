"""Tests of the audience-resolver; one in-process resolver serves the package."""
