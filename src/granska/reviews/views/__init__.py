"""The reviews app's pages: reading (pages), the inspectors' workspace (assessment) and the
kansli's booking and lifecycle (kansli)."""
