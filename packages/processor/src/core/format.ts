/** Byte counts for messages people read: 512 bytes, 1.5 KiB, 20 MiB, 1.25 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(2).replace(/\.?0+$/, '')} ${units[unit]}`;
}

/** Pixel counts for messages people read: 0.5 megapixels, 625 megapixels. */
export function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(pixels < 1e7 ? 1 : 0)} megapixels`;
}
