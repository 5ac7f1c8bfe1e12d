"""Peak memory of re-encoding one uploaded image: it follows pixels, not file size.

This process writes a noise JPEG of each size; a fresh process (so `ru_maxrss` is that
case's peak) sets Django up, opens the file and runs `reencode_image` on it, which checks it,
re-encodes it and writes its preview, exactly as an upload does. Prints the peak RSS over
that process's RSS just before the call. `make bench-images` runs it.

    .venv/bin/python -m tests.bench.bench_images [--sides 2000 4000 6000]
"""

import argparse
import os
import subprocess
import sys
import tempfile

from PIL import Image

from tests.bench.server import ROOT, django_env

CASE = """
import os, resource, sys, tempfile
import django
django.setup()
import psutil
from uploads.filetypes import JPEG
from uploads.images import reencode_image

side, path = int(sys.argv[1]), sys.argv[2]
with open(path, "rb") as source:
    with tempfile.TemporaryFile() as clean, tempfile.TemporaryFile() as preview:
        before = psutil.Process().memory_info().rss
        reencode_image(source, clean, JPEG, label="bench.jpg", thumbnail=preview)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(f"| {side} x {side} | {side * side / 1e6:.0f} MP | {os.path.getsize(path) / 1e6:.1f} MB |"
      f" {(peak - before) / 1e6:+.0f} MB |", flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sides", type=int, nargs="+", default=[2000, 4000, 6000])
    args = parser.parse_args()
    env = django_env(DJANGO_SETTINGS_MODULE="lebrq.settings", MAX_IMAGE_PIXELS="40000000")
    print("| image | pixels | JPEG file | peak RSS over the call |")
    print("|---|---|---|---|")
    for side in args.sides:
        with tempfile.NamedTemporaryFile(suffix=".jpg") as image_file:
            noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
            noise.save(image_file, "JPEG", quality=90)
            image_file.flush()
            del noise
            subprocess.run(
                [sys.executable, "-c", CASE, str(side), image_file.name],
                cwd=ROOT,
                env=env,
                check=True,
            )


if __name__ == "__main__":
    main()
