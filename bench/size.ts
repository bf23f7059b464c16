// `npm run bench:size`: the size budget. What `npm install overdrive` puts on disk (the
// package's unpacked size, by folder) and what the Studio makes a first visit download before it
// can paint (the JavaScript and CSS its index.html loads, gzipped). Prints the figures against
// their budgets and writes bench/results/size.md; never fails on a figure.
//
//   npm run bench:size               # builds lib/ first (npm run build:lib)
//   npm run bench:size -- --no-build # measures the lib/ already built
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { machineInfo } from './lib/machine.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: { 'no-build': { type: 'boolean', default: false }, out: { type: 'string', default: 'bench/results' } },
});

/**
 * The budgets, and why these numbers. The package is dominated by what it must ship to run with
 * no CDN: TF.js inside the trial worker (about 2.4 MB), its three WebAssembly binaries (1.2 MB)
 * and the prebuilt Studio for the CLI (TF.js and ECharts again); 16 MB leaves room for a year of
 * features, not for a second copy of a dependency. The Studio's first load is what stands
 * between a visitor and the builder: charts and TF.js load later (charts when first drawn, TF.js
 * in workers), and 150 kB gzipped is what a phone on a slow 3G link fetches in about 2 s.
 */
const BUDGET = { unpackedBytes: 16 * 1024 * 1024, firstLoadGzipBytes: 150 * 1024 };

interface PackedFile {
  readonly path: string;
  readonly size: number;
}

function pack(): { files: readonly PackedFile[]; unpackedSize: number; size: number } {
  if (!args['no-build'])
    execFileSync('npm', ['run', 'build:lib'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  // --ignore-scripts: lib/ was just built; prepack would build it again.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const [result] = JSON.parse(out) as [{ files: PackedFile[]; unpackedSize: number; size: number }];
  return result;
}

/** Bytes per group: lib/'s parts one by one, everything else by its top folder. */
function byFolder(files: readonly PackedFile[]): [string, number, number][] {
  const groups = new Map<string, [number, number]>();
  for (const file of files) {
    const parts = file.path.split('/');
    const group =
      parts[0] === 'lib' && parts.length > 2 ? `lib/${parts[1]}/` : parts.length > 1 ? `${parts[0]}/` : '(top level)';
    const [bytes, count] = groups.get(group) ?? [0, 0];
    groups.set(group, [bytes + file.size, count + 1]);
  }
  return [...groups]
    .map(([name, [bytes, count]]) => [name, bytes, count] as [string, number, number])
    .sort((a, b) => b[1] - a[1]);
}

/** The scripts, module preloads and stylesheets the Studio's index.html loads before it paints. */
function firstLoad(app: string): { file: string; bytes: number; gzip: number }[] {
  const html = readFileSync(resolve(app, 'index.html'), 'utf8');
  const urls = [
    ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="(?:modulepreload|stylesheet)"[^>]*href="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+href="([^"]+)"[^>]*rel="(?:modulepreload|stylesheet)"/g),
  ].map((m) => m[1] as string);
  return [...new Set(urls)]
    .filter((url) => !/^[a-z]+:/i.test(url))
    .map((url) => {
      const file = resolve(app, url.replace(/^\.?\//, ''));
      const bytes = readFileSync(file);
      return { file: url, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} kB`;
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(2)} MB`;
const verdict = (value: number, budget: number): string => (value <= budget ? '✓ within' : '✗ over');

const packed = pack();
const loads = firstLoad(resolve(root, 'lib/app'));
const firstGzip = loads.reduce((sum, l) => sum + l.gzip, 0);
const machine = machineInfo();
const lines = [
  '# Size budget (`npm run bench:size`)',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}.`,
  '',
  '| figure | value | budget | |',
  '| --- | --- | --- | --- |',
  `| package, unpacked (\`npm pack\`, ${packed.files.length} files) | ${mb(packed.unpackedSize)} | ${mb(BUDGET.unpackedBytes)} | ${verdict(packed.unpackedSize, BUDGET.unpackedBytes)} |`,
  `| package, tarball | ${mb(packed.size)} | | |`,
  `| Studio first load, JavaScript and CSS gzipped (${loads.length} files) | ${kb(firstGzip)} | ${kb(BUDGET.firstLoadGzipBytes)} | ${verdict(firstGzip, BUDGET.firstLoadGzipBytes)} |`,
  '',
  '## The package by folder',
  '',
  '| folder | files | unpacked |',
  '| --- | --- | --- |',
  ...byFolder(packed.files).map(([name, bytes, count]) => `| \`${name}\` | ${count} | ${mb(bytes)} |`),
  '',
  '## The Studio first load (lib/app/index.html)',
  '',
  '| file | bytes | gzipped |',
  '| --- | --- | --- |',
  ...loads.map((l) => `| \`${l.file}\` | ${kb(l.bytes)} | ${kb(l.gzip)} |`),
  '',
];
const report = lines.join('\n');
process.stdout.write(`${report}\n`);
const out = resolve(root, args.out, 'size.md');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, report);
process.stderr.write(`wrote ${out}\n`);
