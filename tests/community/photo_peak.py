"""`python -m tests.community.photo_peak FILE`: runs FILE through
core.images.process_photo in this fresh process and prints, as JSON, how far the
resident set rose above where it stood just before (`peak_mib`) and what came out
(`outcome`: the stored size, or `refused:<code>`). Used by test_image_memory.py.

The resident set, because Pillow allocates pixels outside Python's allocator, where
tracemalloc does not see them. Read from /proc, because resource.getrusage cannot give
it: a child's ru_maxrss starts at its parent's high-water mark (inherited across fork and
exec), and it cannot be reset; /proc/self/clear_refs resets VmHWM to what is resident
now."""

import gc
import json
import os
import sys
from pathlib import Path


def _kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def measure(path: Path) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings.test")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.images import PhotoError, process_photo

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    before = _kib("VmRSS")
    try:
        photo = process_photo(upload)
        outcome = f"{photo.width}x{photo.height}"
    except PhotoError as error:
        outcome = f"refused:{error.code}"
    return {"peak_mib": round((_kib("VmHWM") - before) / 1024, 1), "outcome": outcome}


if __name__ == "__main__":
    json.dump(measure(Path(sys.argv[1])), sys.stdout)
