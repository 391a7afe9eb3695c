/**
 * Text over the screen-light flashes: black or white, whichever reads better on the colour, by
 * WCAG 2's contrast ratio (at least 4.5:1 on every flash colour: white on pure red is only 4.0:1).
 */
type Rgb = readonly [number, number, number];

const channel = (value: number) => {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** WCAG relative luminance of an sRGB colour (0..255 channels). */
export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG contrast ratio of two colours, from 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];

/** The text colour that reads best on `background`. */
export function readableOn(background: Rgb): '#000' | '#fff' {
  return contrastRatio(background, BLACK) >= contrastRatio(background, WHITE) ? '#000' : '#fff';
}
