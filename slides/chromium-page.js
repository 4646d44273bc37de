// Opening a page in headless Chromium, and telling a screenshot with real
// content from a blank or an error page: shared by the decks' test
// (slides/test-decks.js) and the checker's HTML report test
// (tests/checker/test-html-report.js).
'use strict';

const { execFileSync } = require('child_process');
const zlib = require('zlib');

const chromeFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
  '--no-first-run', '--disable-dev-shm-usage', '--mute-audio'];

function runChromium(chromium, args) {
  return execFileSync(chromium, [...chromeFlags, ...args], {
    encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

// Decode an 8-bit RGB or RGBA PNG (what Chromium writes) into pixels.
function decodePng(buf) {
  let pos = 8;
  let width = 0, height = 0, channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 2 && data[9] !== 6)) {
        throw new Error(`unexpected PNG format (bit depth ${data[8]}, colour type ${data[9]})`);
      }
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let v;
      switch (filter) {
        case 0: v = cur; break;
        case 1: v = cur + a; break;
        case 2: v = cur + b; break;
        case 3: v = cur + ((a + b) >> 1); break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v = cur + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default: throw new Error(`bad PNG filter ${filter}`);
      }
      pixels[y * stride + x] = v & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

// The share of pixels that differ from the most common colour, and how
// many colours there are.
function contentOf(png) {
  const counts = new Map();
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    const key = (png.pixels[i] << 16) | (png.pixels[i + 1] << 8) | png.pixels[i + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const total = png.width * png.height;
  const background = Math.max(...counts.values());
  return { share: 1 - background / total, colours: counts.size };
}

module.exports = { runChromium, decodePng, contentOf };
