"""Granska's pages: reading a review (reviews), the inspectors' workspace (assessment), the
kansli's booking and lifecycle (kansli), the handlingsplan (plans) and the report (reports)."""
