"""Model wrappers for image detectors: each module loads one model, once, from its package."""
