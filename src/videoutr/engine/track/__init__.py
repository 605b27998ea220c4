"""Tracking: per-frame detections -> tracks (ByteTrack lanes, stitching) -> cleaned paths, change
points, motion segments and events (`track_clips`)."""
