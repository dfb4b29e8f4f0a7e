"""Scale-out: run the same pure stage functions over Arrow batches, locally or inside Apache Spark."""

from empathic.scale.batches import map_batches

__all__ = ["map_batches"]
