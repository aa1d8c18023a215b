"""What a 20-megapixel camera photo costs on disk once uploaded: a 5472 x 3648 JPEG
with grain (noise compresses badly, as real detail does) through the one photo pipeline,
core.images.process_photo. Prints JSON; run by bench/run.py."""

import io
import json
import sys
import time

import django

WIDTH, HEIGHT = 5472, 3648
# Camera JPEGs of this size are 6-10 MB; process_photo refuses more than 10 MB.
UPLOAD_LIMIT = 10 * 1024 * 1024


def camera_jpeg() -> bytes:
    from PIL import Image

    # A sky-to-ground gradient, detail at every scale (noise drawn at a sixth of the
    # size and enlarged survives the scaling down, as leaves and bricks do) and
    # sensor grain, which the scaling averages away.
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    base = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_180), gradient))
    detail = Image.merge(
        "RGB",
        [
            Image.effect_noise((WIDTH // 6, HEIGHT // 6), 60).resize(
                (WIDTH, HEIGHT), Image.Resampling.BILINEAR
            )
            for _ in range(3)
        ],
    )
    grain = Image.merge("RGB", [Image.effect_noise((WIDTH, HEIGHT), 40) for _ in range(3)])
    image = Image.blend(Image.blend(base, detail, 0.4), grain, 0.25)
    for quality in (92, 88, 84, 80, 75):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        if buffer.tell() <= UPLOAD_LIMIT:
            return buffer.getvalue()
    return buffer.getvalue()


def main() -> dict:
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.images import process_photo

    data = camera_jpeg()
    upload = SimpleUploadedFile("camera.jpg", data, content_type="image/jpeg")
    started = time.monotonic()
    photo = process_photo(upload)
    seconds = time.monotonic() - started
    return {
        "upload_bytes": len(data),
        "stored_bytes": photo.image.size,
        "thumbnail_bytes": photo.thumbnail.size,
        "width": photo.width,
        "height": photo.height,
        "seconds": round(seconds, 2),
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
