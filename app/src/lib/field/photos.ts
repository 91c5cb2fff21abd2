/**
 * A photo from the phone's camera or gallery, made ready to send: compressed on the phone
 * (browser-image-compression: at most 1600 px on the long side, about 1 MB) and re-encoded as
 * JPEG through a canvas, which writes no EXIF at all, so the location the camera stored never
 * leaves the phone. The library's web worker would load its code from a CDN, which the app's
 * Content-Security-Policy (rightly) refuses, so it runs on the page.
 */
import imageCompression from 'browser-image-compression';

export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

export async function preparePhoto(file: File): Promise<Blob> {
  if (!file.type.startsWith('image/')) throw new Error(`${file.name} is not a picture.`);
  const out = await imageCompression(file, {
    maxSizeMB: 1,
    maxWidthOrHeight: 1600,
    useWebWorker: false,
    fileType: 'image/jpeg',
    initialQuality: 0.85,
    preserveExif: false,
  });
  if (out.size > PHOTO_MAX_BYTES) throw new Error(`${file.name} is still over 10 MB after compressing.`);
  return out;
}
