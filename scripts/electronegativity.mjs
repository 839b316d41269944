// Runs Doyensec's electronegativity over the Electron main process and preload sources
// (main/electron, TypeScript, read by its Babel TypeScript parser) and compares its findings with
// security/electronegativity-explained.json. Exits 1 on a finding that is not explained there, on
// an explanation that no longer matches any finding, or on a file the tool could not read.
// `--verbose` also lists the explained findings. See security/README.md.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The sources, not out/: electronegativity cannot parse the bundled out/main/index.js (it reports an error and checks nothing there). */
const INPUT = 'main/electron';
const EXPLAINED = 'security/electronegativity-explained.json';
/** Looks Electron's release list up on the network on every run: no network in CI, and the Electron version is npm's business. */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
/** What electronegativity reads (its util/file.js); anything else in INPUT is silently skipped. */
const SCANNED = /\.(js|jsx|ts|tsx|html|htm)$/i;
/** Module syntaxes it skips: app code in such a file would go unchecked. */
const SKIPPED_CODE = /\.(mjs|cjs|mts|cts)$/i;
/** electron-builder's packaging hooks: they run in Node at build time, never in the app. */
const NOT_APP_CODE = ['main/electron/build/'];

const verbose = process.argv.includes('--verbose');
const require = createRequire(import.meta.url);
const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));

// The tool fetches translations (dist/locales/i18n.js) and Electron releases with `got` on every
// run. No network here, and none wanted: its `got` is replaced by one that answers "not found"
// without a request, so it keeps its bundled English texts.
const offlineGot = Object.assign(async () => ({ statusCode: 404, body: '', headers: {} }), {
  head: async () => {
    throw new Error('electronegativity runs offline');
  },
});
for (const from of ['dist/locales/i18n.js', 'dist/finder/checks/GlobalChecks/AvailableSecurityFixesGlobalCheck.js']) {
  const gotPath = createRequire(path.join(toolDir, from)).resolve('got');
  require.cache[gotPath] = {
    id: gotPath,
    filename: gotPath,
    loaded: true,
    exports: offlineGot,
    children: [],
    paths: [],
  };
}
const run = require('@doyensec/electronegativity');

const rel = (file) => (file === 'N/A' ? file : path.relative(root, file).split(path.sep).join('/'));

function listFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [rel(path.join(dir, entry.name))],
    );
}

function electronVersion() {
  try {
    return require('electron/package.json').version;
  } catch {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    return String(pkg.devDependencies?.electron ?? pkg.dependencies?.electron ?? '').replace(/^[^\d]*/, '');
  }
}

function readExplained() {
  const file = path.join(root, EXPLAINED);
  const entries = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${EXPLAINED} must be a JSON array of { check, file, reason }`);
  const seen = new Set();
  entries.forEach((entry, i) => {
    for (const key of ['check', 'file', 'reason']) {
      if (typeof entry?.[key] !== 'string' || entry[key].trim() === '') {
        throw new Error(`${EXPLAINED}: entry ${i} needs a non-empty string "${key}"`);
      }
    }
    const key = `${entry.check} ${entry.file}`;
    if (seen.has(key)) throw new Error(`${EXPLAINED}: ${entry.check} in ${entry.file} is explained twice`);
    seen.add(key);
  });
  return entries;
}

function describe(finding) {
  const where =
    finding.file === 'N/A' ? 'N/A (a check over the whole input)' : `${finding.file}:${finding.line}:${finding.column}`;
  const lines = [
    `  ${finding.check}  ${where}  (${finding.severity}, ${finding.confidence}${finding.review ? ', review' : ''})`,
    `    ${finding.description}`,
  ];
  if (finding.sample) lines.push(`    > ${finding.sample}`);
  lines.push(`    https://github.com/doyensec/electronegativity/wiki/${finding.check}`);
  return lines.join('\n');
}

const problems = [];
const inputFiles = listFiles(path.join(root, INPUT));
const unchecked = inputFiles.filter((f) => SKIPPED_CODE.test(f) && !NOT_APP_CODE.some((dir) => f.startsWith(dir)));
if (unchecked.length > 0) {
  problems.push(
    `electronegativity skips these files, so they would go unchecked (use .ts, or list them in NOT_APP_CODE in scripts/electronegativity.mjs if they are not app code):\n${unchecked.map((f) => `  ${f}`).join('\n')}`,
  );
}

const version = electronVersion();
const result = await run({
  input: path.join(root, INPUT),
  isRelative: false,
  // The README calls it `electronVersion`; dist/runner.js reads `electronVersionOverride`.
  electronVersionOverride: version,
  excludeFromScan: EXCLUDED_CHECKS,
});

if (result.errors.length > 0) {
  problems.push(
    `electronegativity could not read these files, so it did not check them:\n${result.errors
      .map((e) => `  ${rel(e.file)}: ${e.message}`)
      .join('\n')}`,
  );
}

const findings = result.issues
  .map((issue) => ({
    check: issue.id,
    file: rel(issue.file),
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    sample: issue.sample,
    description: issue.description,
    severity: issue.severity?.name,
    confidence: issue.confidence?.name,
    review: issue.manualReview === true,
  }))
  .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.check.localeCompare(b.check));

const explained = readExplained();
const explanationOf = (finding) => explained.find((e) => e.check === finding.check && e.file === finding.file);
const unexplained = findings.filter((finding) => !explanationOf(finding));
const stale = explained.filter(
  (e) => !findings.some((finding) => finding.check === e.check && finding.file === e.file),
);

if (unexplained.length > 0) {
  problems.push(
    `${unexplained.length} finding(s) not explained in ${EXPLAINED}:\n${unexplained.map(describe).join('\n')}\n` +
      `Fix the code, or, when the finding is kept on purpose, add { "check", "file", "reason" } to ${EXPLAINED}.`,
  );
}
if (stale.length > 0) {
  problems.push(
    `${stale.length} explanation(s) in ${EXPLAINED} no longer match any finding (remove them):\n${stale
      .map((e) => `  ${e.check} in ${e.file}`)
      .join('\n')}`,
  );
}

if (verbose) {
  for (const finding of findings.filter(explanationOf)) {
    console.log(`${describe(finding)}\n    explained: ${explanationOf(finding).reason}\n`);
  }
}

// performance.now() counts from the process start: loading the tool is most of the time.
const seconds = (performance.now() / 1000).toFixed(1);
if (problems.length > 0) {
  console.error(`electronegativity over ${INPUT} (Electron ${version}):\n\n${problems.join('\n\n')}`);
  process.exit(1);
}
const scanned = inputFiles.filter((f) => SCANNED.test(f)).length;
console.log(
  `electronegativity: ${scanned} files in ${INPUT}, ${result.atomicChecks + result.globalChecks} checks (Electron ${version}): ` +
    `${findings.length} findings, all explained in ${EXPLAINED} (${seconds}s)`,
);
