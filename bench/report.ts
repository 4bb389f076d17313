/**
 * docs/performance.md, its chart and the README's performance section,
 * regenerated from the latest full (not --quick) result of each scenario in
 * bench/results/. `bench/run.ts` calls it after a full run; on its own:
 *
 *   npx tsx bench/report.ts
 *
 * The chart is an SVG drawn here and rendered to PNG by the headless
 * Chromium the vscode test tier already uses (no network, no chart library).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumExecutable } from '../scripts/vscodeServer';
import { markdownTable } from './lib/markdown';
import type { BenchRun, ScenarioRecord, ToolTimes } from './lib/scenario';
import type { FalseAlarmsData } from './scenarios/falseAlarms';
import type { OverheadData } from './scenarios/overhead';
import { median, sig3 } from './lib/stats';
import { scenarios } from './scenarios';

/** A scenario's latest full result and the run it came from. */
export interface Latest {
  readonly file: string;
  readonly run: BenchRun;
  readonly record: ScenarioRecord;
}

/** Every bench/results/*.json, oldest first; a file that is not a run is an error naming it. */
export function readRuns(resultsDir: string): { readonly file: string; readonly run: BenchRun }[] {
  if (!existsSync(resultsDir)) {
    return [];
  }
  return readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      const run = JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as Partial<BenchRun>;
      if (typeof run.startedAt !== 'string' || typeof run.scenarios !== 'object' || run.scenarios === null) {
        throw new Error(`bench/results/${file} is not a bench run (no startedAt or scenarios)`);
      }
      return { file, run: run as BenchRun };
    })
    .sort((a, b) => a.run.startedAt.localeCompare(b.run.startedAt));
}

/** The newest full result of each scenario, by scenario name. */
export function latestResults(resultsDir: string): Map<string, Latest> {
  const latest = new Map<string, Latest>();
  for (const { file, run } of readRuns(resultsDir)) {
    if (run.quick) {
      continue;
    }
    for (const [name, record] of Object.entries(run.scenarios)) {
      const seen = latest.get(name);
      if (seen === undefined || seen.record.startedAt <= record.startedAt) {
        latest.set(name, { file, run, record });
      }
    }
  }
  return latest;
}

function toolTimes(latest: Latest | undefined): readonly ToolTimes[] {
  const tools = (latest?.record.data as { tools?: unknown } | undefined)?.tools;
  return Array.isArray(tools) ? (tools as ToolTimes[]) : [];
}

/** "4.7 s", "> 120 s" when every run hit the cap. */
function toolMedian(t: ToolTimes): string {
  if (t.samples.length === 0) {
    return `> ${sig3(t.capSeconds)} s`;
  }
  const m = median(t.samples);
  return t.overCap > 0 ? `${sig3(m)} s (${t.overCap} of ${t.samples.length + t.overCap} runs > ${sig3(t.capSeconds)} s)` : `${sig3(m)} s`;
}

/** The peer's median over ours; `lowerBound` when most of the peer's runs hit the cap (the cap stands in for its time). */
function ratioOf(peer: ToolTimes, us: ToolTimes): { readonly ratio: number; readonly lowerBound: boolean } | undefined {
  const ours = median(us.samples);
  if (!(ours > 0)) {
    return undefined;
  }
  if (peer.samples.length === 0 || peer.overCap * 2 > peer.samples.length + peer.overCap) {
    return { ratio: peer.capSeconds / ours, lowerBound: true };
  }
  return { ratio: median(peer.samples) / ours, lowerBound: false };
}

/** "10.8× sooner than X (52.0 s)", or "X is 2.25× sooner (0.400 s)" when the peer is faster. */
function comparison(peer: ToolTimes, us: ToolTimes): string {
  const r = ratioOf(peer, us);
  if (r === undefined) {
    return `${shortLabel(peer)}: ${toolMedian(peer)}`;
  }
  return r.ratio >= 1 ? `${r.lowerBound ? '> ' : ''}${sig3(r.ratio)}× sooner than ${shortLabel(peer)} (${toolMedian(peer)})` : `${shortLabel(peer)} is ${sig3(1 / r.ratio)}× sooner (${toolMedian(peer)}${peer.note === undefined ? '' : `; ${peer.note}`})`;
}

// ── the chart ────────────────────────────────────────────────────────────────

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Panel {
  readonly title: string;
  readonly subtitle: string;
  readonly tools: readonly ToolTimes[];
}

/** Horizontal bars: the median, a whisker from min to max, and runs that hit the cap drawn to the cap, hatched. */
export function chartSvg(panels: readonly Panel[]): string {
  const width = 960;
  const left = 290;
  const right = 150;
  const rowH = 34;
  const plotW = width - left - right;
  let y = 20;
  const parts: string[] = [];
  for (const panel of panels) {
    parts.push(`<text x="20" y="${y + 18}" class="title">${esc(panel.title)}</text>`);
    parts.push(`<text x="20" y="${y + 38}" class="sub">${esc(panel.subtitle)}</text>`);
    y += 56;
    const max = Math.max(1, ...panel.tools.flatMap((t) => [...t.samples, ...(t.overCap > 0 ? [t.capSeconds] : [])]));
    const step = niceStep(max);
    const top = Math.ceil(max / step) * step;
    const x = (v: number): number => left + (v / top) * plotW;
    const h = panel.tools.length * rowH;
    for (let k = 0; k * step <= top + 1e-9; k += 1) {
      const v = Number((k * step).toPrecision(6));
      parts.push(`<line x1="${x(v)}" y1="${y}" x2="${x(v)}" y2="${y + h}" class="grid"/>`);
      parts.push(`<text x="${x(v)}" y="${y + h + 16}" class="tick">${v} s</text>`);
    }
    panel.tools.forEach((t, i) => {
      const cy = y + i * rowH + rowH / 2;
      const ours = t.tool === 'lifeline';
      parts.push(`<text x="${left - 10}" y="${cy + 5}" class="label${ours ? ' ours' : ''}">${esc(shortLabel(t))}</text>`);
      const allCapped = t.samples.length === 0;
      const m = allCapped ? t.capSeconds : median(t.samples);
      parts.push(`<rect x="${left}" y="${cy - 10}" width="${Math.max(1, x(m) - left)}" height="20" class="${allCapped ? 'capped' : ours ? 'bar ours' : 'bar'}"/>`);
      if (!allCapped) {
        const lo = Math.min(...t.samples);
        const hi = t.overCap > 0 ? t.capSeconds : Math.max(...t.samples);
        parts.push(`<line x1="${x(lo)}" y1="${cy}" x2="${x(hi)}" y2="${cy}" class="whisker"/>`);
        parts.push(`<line x1="${x(lo)}" y1="${cy - 6}" x2="${x(lo)}" y2="${cy + 6}" class="whisker"/>`);
        parts.push(`<line x1="${x(hi)}" y1="${cy - 6}" x2="${x(hi)}" y2="${cy + 6}" class="whisker"/>`);
      }
      const text = allCapped ? `never (> ${sig3(t.capSeconds)} s)` : `${sig3(m)} s`;
      const tx = Math.max(x(m), allCapped ? x(m) : x(t.overCap > 0 ? t.capSeconds : Math.max(...t.samples))) + 8;
      parts.push(`<text x="${tx}" y="${cy + 5}" class="value${ours ? ' ours' : ''}">${esc(text)}</text>`);
    });
    y += h + 40;
  }
  const height = y;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#d5d8dd"/><line x1="0" y1="0" x2="0" y2="8" stroke="#9aa0a8" stroke-width="3"/></pattern></defs>
<style>
text { font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; fill: #1f2328; }
.title { font-size: 17px; font-weight: bold; }
.sub { font-size: 12px; fill: #59636e; }
.label { font-size: 13px; text-anchor: end; }
.value { font-size: 13px; }
.ours { font-weight: bold; }
.tick { font-size: 11px; text-anchor: middle; fill: #59636e; }
.grid { stroke: #e4e7eb; stroke-width: 1; }
.bar { fill: #9aa0a8; }
.bar.ours { fill: #1f6feb; }
.capped { fill: url(#hatch); }
.whisker { stroke: #1f2328; stroke-width: 1.5; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
${parts.join('\n')}
</svg>
`;
}

function niceStep(max: number): number {
  const raw = max / 6;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
}

function shortLabel(t: ToolTimes): string {
  const labels: Record<string, string> = {
    lifeline: 'SSH Lifeline',
    ssh: 'ssh, no keepalive',
    serveralive: 'ssh, ServerAlive 15 × 3',
    autossh: 'autossh -M 0, ServerAlive 15 × 3',
    mosh: 'mosh',
  };
  return labels[t.tool] ?? t.label;
}

async function renderPng(svg: string, out: string): Promise<void> {
  if (!existsSync(chromiumExecutable)) {
    throw new Error(`${chromiumExecutable} not found: install the Debian package 'chromium' (apt-get install -y chromium) to draw the chart`);
  }
  const browser = await chromium.launch({ executablePath: chromiumExecutable, args: [...chromiumArgs], headless: true });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2, viewport: { width: 1000, height: 800 } });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: out, omitBackground: false });
  } finally {
    await browser.close();
  }
}

// ── the documents ────────────────────────────────────────────────────────────

function provenance(l: Latest): string {
  const m = l.run.machine;
  return `Measured ${l.record.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${m.cpuModel}, ${m.cores} cores, ${m.os}, Node ${m.node}, ${m.openssh ?? 'no ssh'}; checkout ${m.git ?? 'unknown'}; load average ${l.record.loadAverage1mAtStart.toFixed(2)} → ${l.record.loadAverage1mAtEnd.toFixed(2)}; ${l.record.wallSeconds.toFixed(0)} s. Results: \`bench/results/${l.file}\`.`;
}

function sideBySideRows(title: string, tools: readonly ToolTimes[]): string[] {
  const us = tools.find((t) => t.tool === 'lifeline');
  return us === undefined ? [] : tools.filter((t) => t !== us).map((t) => `${title}: ours ${toolMedian(us)}, ${comparison(t, us)}`);
}

/** Lines for the README section: ours and the ratio to each peer. */
export function readmeSection(latest: Map<string, Latest>): string {
  const lines: string[] = [];
  const detection = toolTimes(latest.get('detection'));
  const recovery = toolTimes(latest.get('recovery'));
  const dUs = detection.find((t) => t.tool === 'lifeline');
  const rUs = recovery.find((t) => t.tool === 'lifeline');
  if (dUs !== undefined) {
    const peers = detection.filter((t) => t !== dUs).map((t) => comparison(t, dUs));
    lines.push(`- **A dead link is noticed in ${toolMedian(dUs)}** (median of ${dUs.samples.length + dUs.overCap} black holes): ${peers.join('; ')}.`);
  }
  if (rUs !== undefined) {
    const peers = recovery.filter((t) => t !== rUs).map((t) => comparison(t, rUs));
    lines.push(`- **Back in tmux ${toolMedian(rUs)} after the link returns** (\`ssh-lifeline ssh --tmux\`): ${peers.join('; ')}.`);
  }
  for (const extra of extraFigures) {
    const line = extra.readme?.(latest);
    if (line !== undefined) {
      lines.push(line);
    }
  }
  // Paths as code, not links: the packaged README is shown without the repository, where relative links break (vsce refuses them).
  const chart = latest.has('detection') || latest.has('recovery') ? ', with a chart of detection and recovery per tool (`docs/performance.png`)' : '';
  return `${lines.join('\n')}\n\nEvery figure, how it was measured and the machine it ran on: \`docs/performance.md\`${chart}.`;
}

/**
 * Figures of the scenarios whose data is not {@link ToolTimes}: a row for the
 * summary table (figure, measured, target) and a README line.
 */
interface ExtraFigures {
  readonly scenario: string;
  summary(latest: Latest): readonly (readonly [string, string, string])[];
  readme?(latest: Map<string, Latest>): string | undefined;
}

const kib = (bytes: number): string => `${sig3(bytes / 1024)} KiB`;

/** The idle window of ours with `hosts` watched hosts, and the baseline's. */
function idleAt(d: OverheadData, hosts: number): { readonly ours?: OverheadData['idle'][number]; readonly baseline?: OverheadData['idle'][number] } {
  const ours = d.idle.find((w) => w.workbench === 'ours' && w.hosts === hosts);
  const baseline = d.idle.find((w) => w.workbench === 'baseline');
  return { ...(ours === undefined ? {} : { ours }), ...(baseline === undefined ? {} : { baseline }) };
}

const extraFigures: readonly ExtraFigures[] = [
  {
    scenario: 'false-alarms',
    summary(l) {
      const d = l.record.data as FalseAlarmsData;
      return d.soaks.map((soak) => {
        const peers = [
          soak.serveralive === undefined ? undefined : `ServerAlive 15 × 3: ${soak.serveralive.disconnects} disconnects`,
          soak.mosh === undefined ? undefined : `mosh: ${soak.mosh.notices} "Last contact" notices`,
        ].filter((p): p is string => p !== undefined);
        return [`false alarms in ${sig3(soak.seconds / 60)} min, ${soak.fault}`, `${soak.lifeline?.downs ?? 'n/a'} false down (${peers.join('; ')})`, '0'] as const;
      });
    },
    readme(latest) {
      const d = latest.get('false-alarms')?.record.data as FalseAlarmsData | undefined;
      if (d === undefined || d.soaks.length === 0) {
        return undefined;
      }
      const parts = d.soaks.map((soak) => `${soak.fault}: ${soak.lifeline?.downs ?? 'n/a'} false down in ${sig3(soak.seconds / 60)} min (ServerAlive 15 × 3: ${soak.serveralive?.disconnects ?? 'n/a'} disconnects; mosh: ${soak.mosh?.notices ?? 'n/a'} notices)`);
      return `- **False alarms on a bad but working link:** ${parts.join('; ')}.`;
    },
  },
  {
    scenario: 'overhead',
    summary(l) {
      const d = l.record.data as OverheadData;
      const rows: (readonly [string, string, string])[] = [];
      if (d.activation !== null) {
        const peer = d.activation.peers[0];
        rows.push([
          'activation, as VS Code reports it',
          `${sig3(d.activation.ours.median)} ms (${sig3(d.activation.ours.min)}–${sig3(d.activation.ours.max)})${peer === undefined ? '' : `; ${peer.label}: ${sig3(peer.ms.median)} ms`}`,
          `≤ ${d.targets.activationMs} ms`,
        ]);
      }
      const ext = d.bundle?.outputs.find((o) => o.file === 'dist/extension.js');
      if (ext !== undefined) {
        rows.push(['dist/extension.js, minified', `${kib(ext.bytes)} (gzip ${kib(ext.gzipBytes)})${d.bundle?.vsix ? `; .vsix ${kib(d.bundle.vsix.bytes)}` : ''}`, `≤ ${kib(d.targets.extensionBundleBytes)}`]);
      }
      if (d.wire !== null) {
        const w = d.wire.perBeat;
        const payload = w.payloadSent === undefined || w.payloadReceived === undefined ? '' : `; SSH payload ${sig3(w.payloadSent + w.payloadReceived)} B`;
        rows.push(['bytes on the wire per heartbeat', `${sig3(w.sentBytes + w.receivedBytes)} B at the IP level${payload}`, `≤ ${d.targets.bytesPerBeat} B`]);
      }
      const hostsMax = Math.max(0, ...d.idle.filter((w) => w.workbench === 'ours').map((w) => w.hosts));
      const { ours, baseline } = idleAt(d, hostsMax);
      if (ours !== undefined) {
        rows.push([
          `idle CPU of the extension host, ${hostsMax} hosts`,
          `${sig3(ours.process.selfPercent)} % of a core (+ ${sig3(ours.process.childPercent)} % in programs it runs)${baseline === undefined ? '' : `; without us ${sig3(baseline.process.selfPercent)} %`}`,
          `≤ ${d.targets.idleCpuPercentAt50} %`,
        ]);
        rows.push([`RSS of the extension host, ${hostsMax} hosts`, `${sig3(ours.rssMedianKiB / 1024)} MiB${baseline === undefined ? '' : `; without us ${sig3(baseline.rssMedianKiB / 1024)} MiB`}`, '']);
        if (ours.loopDelay !== null) {
          rows.push([`event-loop delay p99, ${hostsMax} hosts`, `${sig3(ours.loopDelay.p99Ms)} ms${baseline?.loopDelay ? `; without us ${sig3(baseline.loopDelay.p99Ms)} ms` : ''}`, '']);
        }
      }
      return rows;
    },
    readme(latest) {
      const d = latest.get('overhead')?.record.data as OverheadData | undefined;
      if (d === undefined) {
        return undefined;
      }
      const parts: string[] = [];
      if (d.activation !== null) {
        const peer = d.activation.peers[0];
        parts.push(`activation ${sig3(d.activation.ours.median)} ms${peer === undefined || d.activation.ratioToPeer === null ? '' : ` (${sig3(d.activation.ratioToPeer)}× ${peer.label}'s)`}`);
      }
      const ext = d.bundle?.outputs.find((o) => o.file === 'dist/extension.js');
      if (ext !== undefined) {
        parts.push(`${kib(ext.bytes)} of code loaded at start`);
      }
      const hostsMax = Math.max(0, ...d.idle.filter((w) => w.workbench === 'ours').map((w) => w.hosts));
      const { ours, baseline } = idleAt(d, hostsMax);
      if (ours !== undefined) {
        parts.push(`${sig3(ours.process.selfPercent)} % of a core idle with ${hostsMax} hosts watched${baseline === undefined ? '' : ` (the same window without us: ${sig3(baseline.process.selfPercent)} %)`}`);
      }
      if (d.wire !== null) {
        parts.push(`${sig3(d.wire.perBeat.sentBytes + d.wire.perBeat.receivedBytes)} bytes on the wire per heartbeat`);
      }
      return parts.length === 0 ? undefined : `- **What it costs:** ${parts.join('; ')}.`;
    },
  },
  {
    scenario: 'lint',
    summary(l) {
      const target = (l.record.data as { target?: { hostBlocks: number; inProcessMs: number | null; sshGMs: number | null; ratio: number | null } }).target;
      if (target === undefined || target.inProcessMs === null || target.sshGMs === null) {
        return [];
      }
      return [[`lint, ${target.hostBlocks.toLocaleString('en-US')} hosts, in process`, `${sig3(target.inProcessMs)} ms (ssh -G -F: ${sig3(target.sshGMs)} ms, ${target.ratio === null ? 'n/a' : `${sig3(target.ratio)}×`})`, 'faster than ssh -G -F']];
    },
    readme(latest) {
      const target = (latest.get('lint')?.record.data as { target?: { hostBlocks: number; inProcessMs: number | null; sshGMs: number | null; ratio: number | null } } | undefined)?.target;
      if (target === undefined || target.inProcessMs === null || target.sshGMs === null || target.ratio === null) {
        return undefined;
      }
      return `- **Lint of ${target.hostBlocks.toLocaleString('en-US')} hosts, every rule, in ${sig3(target.inProcessMs)} ms**: ${sig3(target.ratio)}× the speed of OpenSSH's own parse of the same file (\`ssh -G -F\`, ${sig3(target.sshGMs)} ms).`;
    },
  },
];

export function performanceMarkdown(latest: Map<string, Latest>): string {
  const out: string[] = [];
  out.push('# Performance');
  out.push('');
  out.push('<!-- Generated by `npm run bench` (bench/report.ts) from bench/results/: do not edit by hand. -->');
  out.push('');
  out.push('Every figure here was measured side by side with its peers in the same run, on the same fault, on the machine named under each section. Times are medians with the range (min–max) over the runs; ratios are the peer\'s median over ours. Nothing here is a pass/fail test: targets stand next to the figures.');
  out.push('');
  const detection = toolTimes(latest.get('detection'));
  const recovery = toolTimes(latest.get('recovery'));
  if (detection.length > 0 || recovery.length > 0) {
    out.push('![Dead-link detection and recovery, ours and peers](performance.png)');
    out.push('');
  }
  const rows: string[][] = [];
  const dUs = detection.find((t) => t.tool === 'lifeline');
  if (dUs !== undefined) {
    rows.push(['dead link noticed (black hole, idle session)', toolMedian(dUs), '≤ 6 s']);
  }
  const rUs = recovery.find((t) => t.tool === 'lifeline');
  if (rUs !== undefined) {
    rows.push(['link back → tmux attached and taking input', toolMedian(rUs), '≤ 2 s']);
  }
  for (const extra of extraFigures) {
    const l = latest.get(extra.scenario);
    if (l !== undefined) {
      rows.push(...extra.summary(l).map((r) => [...r]));
    }
  }
  if (rows.length > 0) {
    out.push('## At a glance');
    out.push('');
    out.push(markdownTable(['figure', 'ours', 'target'], rows));
    out.push('');
    const ratios = [...sideBySideRows('Detection', detection), ...sideBySideRows('Recovery', recovery)];
    if (ratios.length > 0) {
      out.push(ratios.map((r) => `- ${r}`).join('\n'));
      out.push('');
    }
  }
  for (const scenario of scenarios) {
    const l = latest.get(scenario.name);
    out.push(`## ${scenario.name}: ${scenario.description}`);
    out.push('');
    if (l === undefined) {
      out.push('Not measured yet: run `npm run bench`.');
      out.push('');
      continue;
    }
    out.push(`_${provenance(l)}_`);
    out.push('');
    out.push(l.record.markdown.trim());
    out.push('');
    if (l.record.problems.length > 0) {
      out.push('**Problems in this run (these figures are not trustworthy):**');
      out.push('');
      out.push(l.record.problems.map((p) => `- ${p}`).join('\n'));
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const BEGIN = '<!-- performance:begin -->';
const END = '<!-- performance:end -->';

/** README.md with the text between the performance markers replaced; an error when the markers are missing. */
export function withReadmeSection(readme: string, section: string): string {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    throw new Error(`README.md has no ${BEGIN} … ${END} block for the performance figures`);
  }
  return `${readme.slice(0, a + BEGIN.length)}\n<!-- Generated by \`npm run bench\` from bench/results/: do not edit by hand. -->\n${section}\n${readme.slice(b)}`;
}

/** Writes docs/performance.md, docs/performance.png (when there is something to draw) and README.md's section; returns the paths written. */
export async function writePerformanceReport(root: string): Promise<string[]> {
  const latest = latestResults(join(root, 'bench', 'results'));
  const written: string[] = [];
  const docs = join(root, 'docs', 'performance.md');
  writeFileSync(docs, performanceMarkdown(latest));
  written.push(docs);
  const detection = toolTimes(latest.get('detection'));
  const recovery = toolTimes(latest.get('recovery'));
  if (detection.length > 0 || recovery.length > 0) {
    const panels: Panel[] = [];
    if (detection.length > 0) {
      panels.push({ title: 'A dead link noticed', subtitle: 'seconds from the black hole (no FIN, no RST) to the tool noticing, idle session; bar = median, whisker = min–max', tools: detection });
    }
    if (recovery.length > 0) {
      panels.push({ title: 'Back in tmux after the link returns', subtitle: 'seconds from the link restored to the remote tmux session attached and taking input; bar = median, whisker = min–max', tools: recovery });
    }
    const png = join(root, 'docs', 'performance.png');
    await renderPng(chartSvg(panels), png);
    written.push(png);
  }
  const readmePath = join(root, 'README.md');
  writeFileSync(readmePath, withReadmeSection(readFileSync(readmePath, 'utf8'), readmeSection(latest)));
  written.push(readmePath);
  return written;
}

if (require.main === module) {
  writePerformanceReport(resolve(__dirname, '..')).then(
    (paths) => {
      process.stdout.write(`${paths.join('\n')}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`bench report: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
