"""Frames per second of the people detectors side by side: the mediapipe experts (`mp-face`,
`mp-person`, `mp-pose`) against OpenCV's `haar-face` and `hog-person`, on one clip of the
astronaut photo sliding across a grey frame, at each frame size; and how many boxes each gives per frame (one person, one face in view).

    python bench/bench_people.py --frames 32 --sizes 320x240 640x480
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np

from videoutr.engine.detect import make_detector
from videoutr.footage.photos import photo

DETECTORS = ("haar-face", "mp-face", "hog-person", "mp-person", "mp-pose")


def astronaut_clip(frames: int, width: int, height: int) -> np.ndarray:
    """The astronaut photo at 80 % of the frame height, sliding right across a grey frame."""
    side = int(0.8 * height)
    person = cv2.resize(photo("astronaut"), (side, side), interpolation=cv2.INTER_AREA)
    clip = np.full((frames, height, width, 3), 128, np.uint8)
    top = (height - side) // 2
    for t in range(frames):
        left = round(t * (width - side) / max(1, frames - 1))
        clip[t, top : top + side, left : left + side] = person
    return clip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=32)
    parser.add_argument("--sizes", nargs="+", default=["320x240", "640x480"])
    args = parser.parse_args()
    print(f"{'size':>8} {'detector':>11} {'frames/s':>9} {'boxes/frame':>12}")
    for size in args.sizes:
        width, height = map(int, size.split("x"))
        clip = astronaut_clip(args.frames, width, height)
        for name in DETECTORS:
            detector = make_detector(name)
            detector.detect_clip(clip[:2])  # load the model / warm up
            start = time.perf_counter()
            per_frame = detector.detect_clip(clip)
            seconds = time.perf_counter() - start
            found = np.mean([len(d) for d in per_frame])
            print(f"{size:>8} {name:>11} {len(clip) / seconds:9.1f} {found:12.2f}")


if __name__ == "__main__":
    main()
