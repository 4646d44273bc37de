#!/usr/bin/env node
// Open each built deck in headless Chromium and check that it shows what
// its Markdown says:
//   - the page Chromium renders has one slide per slide of the Markdown
//     (slides are separated by a line "---" outside code blocks);
//   - the page carries the deck's title (so it is not an error page);
//   - a screenshot of the first slide has real content: enough pixels
//     that are not the background, in more than a few colours;
//   - no slide overflows: rendered one after the other (Marp's "bare"
//     template), no slide's content is taller than the slide;
//   - no code line is so long that Marp would shrink the block to fit
//     (more than MAX_CODE_COLUMNS columns, a Chinese character taking
//     two): code must stay readable.
// A deck in a language's directory (slides/zh/NN-name.md) is a translation
// of slides/NN-name.md, its English twin, and must also keep its shape:
//   - as many slides as the twin;
//   - the same code blocks, in the same order, apart from what comments
//     and "←" notes say.
//
// Usage: node slides/test-decks.js CHROMIUM BUILD_DIR DECK.md...
//   where each DECK is slides/NN-name.md or slides/LANG/NN-name.md.
// A deck's pages are BUILD_DIR/NAME.html (NAME: its path under slides/,
// without .md, e.g. zh/01-threads), as make slides writes them.
// Screenshots are left in BUILD_DIR/screenshots/ for a person to look at.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [chromium, buildDir, ...decks] = process.argv.slice(2);
if (!chromium || !buildDir || decks.length === 0) {
  console.error('usage: node slides/test-decks.js CHROMIUM BUILD_DIR DECK.md...');
  console.error('       (no chromium found? run make deps)');
  process.exit(2);
}

// The slides a deck's Markdown has: separators outside fenced code and
// outside the front matter, plus one.
function expectedSlides(markdown) {
  const lines = markdown.split('\n');
  let i = 0;
  if (lines[0] === '---') {
    i = lines.indexOf('---', 1) + 1;
  }
  let inFence = false;
  let slides = 1;
  for (; i < lines.length; i++) {
    if (/^```/.test(lines[i])) inFence = !inFence;
    else if (!inFence && lines[i] === '---') slides++;
  }
  return slides;
}

// At 22px, a 1160px-wide code block holds about 85 monospace characters.
const MAX_CODE_COLUMNS = 80;

// Han, kana, hangul and full-width forms take two columns in a monospaced
// font; everything else (these decks' arrows and dashes too) one.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

function columns(line) {
  let n = 0;
  for (const ch of line.replace(/\t/g, '        ')) n += WIDE.test(ch) ? 2 : 1;
  return n;
}

function longCodeLines(markdown) {
  const long = [];
  let inFence = false;
  markdown.split('\n').forEach((line, i) => {
    if (/^```/.test(line)) inFence = !inFence;
    else if (inFence && columns(line) > MAX_CODE_COLUMNS) long.push(i + 1);
  });
  return long;
}

// A deck's fenced blocks with what a translation may change taken out:
// C comments and the "← note" at the end of a line of output.
function codeBlocks(markdown) {
  const blocks = [];
  let current = null;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) {
      if (current) {
        blocks.push(current.join('\n'));
        current = null;
      } else {
        current = [line];
      }
    } else if (current) {
      current.push(line.replace(/\/\*.*?\*\//g, '/**/').replace(/←.*$/, '').trimEnd());
    }
  }
  return blocks;
}

// Mark each slide whose content is taller than the slide itself.
const overflowProbe = `<script>
window.addEventListener('load', function () {
  var over = [];
  document.querySelectorAll('section').forEach(function (s, i) {
    if (s.scrollHeight > s.clientHeight + 1) over.push(i + 1);
  });
  document.body.setAttribute('data-overflowing-slides', over.join(',') || 'none');
});
</script>`;

function deckTitle(markdown) {
  const m = markdown.match(/^title: "?(.*?)"?$/m);
  return m ? m[1] : null;
}

const { runChromium: runWith, decodePng, contentOf } = require('./chromium-page');
const runChromium = (args) => runWith(chromium, args);

const shots = path.join(buildDir, 'screenshots');
fs.mkdirSync(shots, { recursive: true });

// The decks' root: slides/, this script's directory, which holds the
// English decks. A deck's name is its path under it (zh/01-threads for
// slides/zh/01-threads.md).
const root = path.relative(process.cwd(), __dirname) || '.';

// Every deck once more, slides one after the other, to measure them (Marp
// converts the decks under the root, subdirectories included, into the
// same tree).
const bareDir = path.join(buildDir, 'bare');
fs.mkdirSync(bareDir, { recursive: true });
try {
  execFileSync(path.join('node_modules', '.bin', 'marp'),
    ['--no-config-file', '--theme-set', 'slides/theme.css', '--html', '--template', 'bare',
      '--input-dir', root, '-o', bareDir], { stdio: ['ignore', 'ignore', 'pipe'] });
} catch (e) {
  console.error(`slides: marp failed to render the decks:\n${e.stderr}`);
  process.exit(1);
}
let passed = 0, failed = 0;
for (const deck of decks) {
  const name = path.relative(root, deck).replace(/\.md$/, '');
  const html = path.resolve(buildDir, `${name}.html`);
  const problems = [];
  const markdown = fs.readFileSync(deck, 'utf8');
  if (path.dirname(name) !== '.') {
    // A translation: its English twin is the deck of the same name in the root.
    const twin = path.join(root, path.basename(deck));
    if (!fs.existsSync(twin)) {
      problems.push(`no English twin ${twin}`);
    } else {
      const twinMarkdown = fs.readFileSync(twin, 'utf8');
      const mine = expectedSlides(markdown), theirs = expectedSlides(twinMarkdown);
      if (mine !== theirs) problems.push(`the Markdown has ${mine} slides, its English twin ${twin} ${theirs}`);
      const ours = codeBlocks(markdown), twins = codeBlocks(twinMarkdown);
      if (ours.length !== twins.length) {
        problems.push(`${ours.length} code blocks, its English twin ${twins.length}`);
      } else {
        const differ = ours.map((b, i) => (b === twins[i] ? 0 : i + 1)).filter((i) => i);
        if (differ.length) {
          problems.push(`code blocks ${differ.join(', ')} differ from its English twin's ` +
            '(beyond comments and ← notes)');
        }
      }
    }
  }
  if (!fs.existsSync(html)) {
    problems.push(`${html} is missing (run make slides)`);
  } else {
    const url = 'file://' + html;
    const dom = runChromium(['--dump-dom', url]);
    const rendered = (dom.match(/<svg[^>]*data-marpit-svg/g) || []).length;
    const expected = expectedSlides(markdown);
    if (rendered !== expected) {
      problems.push(`Chromium shows ${rendered} slides, the Markdown has ${expected}`);
    }
    const title = deckTitle(markdown);
    if (!title) problems.push('no title: in the front matter');
    else if (!Buffer.from(dom, 'latin1').toString('utf8').includes(title.replace(/&/g, '&amp;'))) {
      problems.push(`the page does not carry the title "${title}"`);
    }
    const shot = path.join(shots, `${name}.png`);
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    fs.rmSync(shot, { force: true });
    runChromium([`--screenshot=${shot}`, '--window-size=1280,720', url]);
    if (!fs.existsSync(shot)) {
      problems.push('Chromium wrote no screenshot');
    } else {
      const { share, colours } = contentOf(decodePng(fs.readFileSync(shot)));
      if (share < 0.01 || colours < 8) {
        problems.push(`the screenshot looks blank: ${(share * 100).toFixed(2)}% of pixels ` +
          `differ from the background, ${colours} colours`);
      }
    }
  }
  const long = longCodeLines(markdown);
  if (long.length) {
    problems.push(`code lines longer than ${MAX_CODE_COLUMNS} columns (Marp would shrink the block): ` +
      `lines ${long.join(', ')}`);
  }
  const bare = path.join(bareDir, `${name}.html`);
  if (!fs.existsSync(bare)) {
    problems.push(`${bare} is missing`);
  } else {
    const probe = path.join(bareDir, `${name}.probe.html`);
    fs.writeFileSync(probe, fs.readFileSync(bare, 'utf8').replace('</body>', overflowProbe + '</body>'));
    const dom = runChromium(['--virtual-time-budget=5000', '--window-size=1280,720', '--dump-dom',
      'file://' + path.resolve(probe)]);
    const m = dom.match(/data-overflowing-slides="([^"]*)"/);
    if (!m) problems.push('could not measure the slides (the probe did not run)');
    else if (m[1] !== 'none') problems.push(`slides ${m[1]} overflow: their content is taller than the slide`);
  }
  if (problems.length) {
    failed++;
    for (const p of problems) console.log(`slides: FAIL: ${deck}: ${p}`);
  } else {
    passed++;
  }
}
console.log(`slides: ${passed} passed, ${failed} failed (screenshots in ${shots}/)`);
process.exit(failed ? 1 : 0);
