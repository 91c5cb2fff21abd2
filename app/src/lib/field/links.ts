/**
 * Links that hand over to the phone's own apps: the maps app for directions and the dialler.
 * Android opens a geo: URI in whatever maps app the technician uses; iOS has no geo: handler and
 * opens Apple Maps from its https link; anything else gets Google Maps in the browser.
 */
export function navigateUrl(userAgent: string, address: string, lat: number | null, lng: number | null): string {
  const where = lat != null && lng != null ? `${lat},${lng}` : '';
  const q = encodeURIComponent(address);
  if (/android/i.test(userAgent)) return where ? `geo:${where}?q=${where}(${q})` : `geo:0,0?q=${q}`;
  if (/iphone|ipad|ipod/i.test(userAgent)) return `https://maps.apple.com/?daddr=${where ? `${where}&q=${q}` : q}`;
  return `https://www.google.com/maps/dir/?api=1&destination=${where ? encodeURIComponent(where) : q}`;
}

/** A tel: link from a phone number as people write it (spaces, dots, brackets dropped). */
export function telUrl(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}
