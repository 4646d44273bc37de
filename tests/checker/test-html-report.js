#!/usr/bin/env node
// Open rrl-check's HTML report (rrl-check --html) in headless Chromium and
// check that it shows what a student needs:
//   - the page renders (its title is the target, not an error page);
//   - a data race names its field and the lock that guards it, and shows
//     its two sides side by side,
//     each saying what it did, where, and which locks it held;
//   - the seeds that saw each finding;
//   - a screenshot has real content: enough pixels that are not the
//     background, in more than a few colours (not blank, not unstyled).
// The screenshot is left beside the page (NAME.png) for a person to look at.
//
// Usage: node tests/checker/test-html-report.js CHROMIUM REPORT.html FIELD GUARD
//   FIELD: the variable the report's race must name ("acct->balance")
//   GUARD: the lock it must say guards that field ("acct->mu")
'use strict';

const path = require('path');
const fs = require('fs');
const { runChromium, decodePng, contentOf } = require('../../slides/chromium-page');

const [chromium, report, field, guard] = process.argv.slice(2);
if (!chromium || !report || !field || !guard) {
  console.error('usage: node tests/checker/test-html-report.js CHROMIUM REPORT.html FIELD GUARD');
  process.exit(2);
}

const url = 'file://' + path.resolve(report);
const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };

const dom = runChromium(chromium, ['--dump-dom', url]);
expect(/<title>[^<]+<\/title>/.test(dom), 'the page has a title');
const html = (text) => text.replace(/&/g, '&amp;').replace(/>/g, '&gt;').replace(/</g, '&lt;');
const race = dom.split('<h2>').find((s) => s.includes('data race on') && s.includes(html(field)));
expect(race !== undefined, `a race names its field, ${field}`);
if (race !== undefined) {
  expect(race.includes(`(guarded by <code>${html(guard)}</code>)`), `the race says ${guard} guards it`);
  const sides = race.split('class="side"').length - 1;
  expect(sides === 2, `the race shows two sides (it shows ${sides})`);
  expect(/<h3>(write|read) in \w+\(\)/.test(race), 'each side says what it did, in which function');
  expect(/holding (<code>|<span class="nolock">holding no lock)|holding no lock/.test(race),
    'a side says which locks it held');
  expect(/class="hit"/.test(race), 'a side shows its source line');
  expect(/Seen in \d+ of \d+ seeds/.test(race), 'the seeds that saw it');
}

const shot = report.replace(/\.html$/, '') + '.png';
runChromium(chromium, [`--screenshot=${path.resolve(shot)}`, '--window-size=1200,1400', url]);
const content = contentOf(decodePng(fs.readFileSync(shot)));
expect(content.share > 0.05 && content.colours > 20,
  `the screenshot has real content (${(content.share * 100).toFixed(1)}% not background, ` +
  `${content.colours} colours)`);

if (failures.length > 0) {
  for (const f of failures) console.error(`test-html-report: ${report}: expected ${f}`);
  process.exit(1);
}
console.log(`test-html-report: ${report}: field, guard, both sides, locks, source, seeds; screenshot ${shot}`);
