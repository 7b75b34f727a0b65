import exifr from 'exifr';
import type { DocumentFields } from '../../../core/types';
import { log } from '../../../core/log';
import { compact, isoDate } from './xml-values';

interface ExifTags {
  DateTimeOriginal?: Date | string;
  CreateDate?: Date | string;
  Make?: string;
  Model?: string;
  Orientation?: number;
  latitude?: number;
  longitude?: number;
}

/**
 * Date taken, camera make and model and orientation from a photo's EXIF (exifr reads JPEG,
 * TIFF, PNG, WebP and HEIC). GPS only when `gps` is set (CIS_EXIF_GPS): where a photo was
 * taken is personal data. EXIF that cannot be read costs the fields, never the picture.
 */
export async function exifFields(path: string, gps: boolean): Promise<DocumentFields> {
  let tags: ExifTags | undefined;
  try {
    tags = (await exifr.parse(path, {
      tiff: true,
      exif: true,
      gps,
      ifd1: false,
      interop: false,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      ihdr: false,
      makerNote: false,
      userComment: false,
      // Orientation as its number (1–8), not "Rotate 90 CW".
      translateValues: false,
      reviveValues: true,
    })) as ExifTags | undefined;
  } catch (err) {
    log.debug({ path, err }, 'EXIF unreadable');
    return {};
  }
  if (!tags) return {};
  const orientation = Number.isInteger(tags.Orientation) && tags.Orientation! >= 1 && tags.Orientation! <= 8 ? tags.Orientation : undefined;
  const lat = tags.latitude;
  const lon = tags.longitude;
  return compact({
    takenAt: isoDate(tags.DateTimeOriginal ?? tags.CreateDate),
    cameraMake: typeof tags.Make === 'string' ? tags.Make.trim() : undefined,
    cameraModel: typeof tags.Model === 'string' ? tags.Model.trim() : undefined,
    orientation,
    gps: gps && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat!) <= 90 && Math.abs(lon!) <= 180 ? { lat: lat!, lon: lon! } : undefined,
  });
}
