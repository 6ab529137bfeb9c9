#!/usr/bin/env python3
"""measured.py TOPIC EXP SWEEP_DIR REPORT_DIR PAGE.md README.md

Regenerate the "Measured" section of an experiment page (configs/TOPIC/EXP.md) and its row
block in the summary of configs/TOPIC/README.md from a finished sweep and its report
(configs/experiment.sh calls it; nothing here is written by hand):

- the report's headline table (median and 95% CI over seeds, paired changes against the
  base), its published-vs-measured table when the plan declares published figures, and its
  allocation outcomes and OOM kills, each one heading level down;
- when the runs have a CMA area, what shows that every variant was under the pressure the
  question needs, from each run's timeseries.tsv: mean free memory, the lowest free memory
  of the home zone outside MIGRATE_CMA blocks, and the mean of the CMA area's pages in use
  (median [min-max] over the seeds);
- for the README, one line per group with the headline metrics' medians.
"""
import csv
import os
import re
import statistics
import sys

MIB = 4096 / 1048576


def section(md, title):
    """The body of '## title' in md (up to the next level-2 heading), or ''."""
    out, on = [], False
    for line in md.splitlines():
        if line.startswith('## '):
            on = line[3:].strip() == title
            continue
        if on:
            out.append(line)
    return '\n'.join(out).strip('\n')


def deeper(text, levels=1):
    return re.sub(r'^(#+)', lambda m: m.group(1) + '#' * levels, text, flags=re.M)


def series(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f, delimiter='\t'))
    if len(rows) < 2:
        return None
    head = rows[0]
    cols = {name: [float(r[i]) for r in rows[1:] if i < len(r)] for i, name in enumerate(head)}
    return cols


def run_figures(ts):
    """(mean free MiB, lowest free MiB of the home zone outside the area, mean area MiB in use, home zone)."""
    free = [sum(v) for v in zip(*[c for n, c in ts.items() if n.startswith('free_')])]
    home = 'DMA32'
    if 'free_Normal' in ts and max(ts['free_Normal']) > 0:
        home = 'Normal'
    n = len(ts.get('free_' + home, [0]))
    outside = [f - c - s for f, c, s in zip(ts.get('free_' + home, [0]), ts.get('nr_free_cma_' + home, [0] * n),
                                             ts.get('nr_free_sticky_' + home, [0] * n))]
    used = ts.get('cma_used_pages', [0])
    return (statistics.mean(free) * MIB, min(outside) * MIB, statistics.mean(used) * MIB, home)


def fmt(vals):
    if not vals:
        return 'n/a'
    med = statistics.median(vals)
    lo, hi = min(vals), max(vals)
    return f'{med:.0f}' if round(lo) == round(hi) else f'{med:.0f} [{lo:.0f}–{hi:.0f}]'


def pressure_table(sweep):
    """The pressure table, or '' when no run has a CMA area (nothing CMA-specific to show)."""
    runs = os.path.join(sweep, 'runs')
    lines = []
    home_name = 'DMA32'
    any_area = False
    for group in sorted(os.listdir(runs)) if os.path.isdir(runs) else []:
        figs = []
        for r in sorted(os.listdir(os.path.join(runs, group))):
            ts_path = os.path.join(runs, group, r, 'timeseries.tsv')
            if os.path.isfile(ts_path):
                ts = series(ts_path)
                if ts:
                    figs.append(run_figures(ts))
                    any_area = any_area or any(
                        max(c, default=0) > 0 for n, c in ts.items()
                        if n in ('cma_used_pages', 'free_CMA') or n.startswith(('nr_free_cma_', 'nr_free_sticky_')))
        if not figs:
            continue
        home_name = figs[0][3]
        lines.append(f'| {group} | {len(figs)} | {fmt([f[0] for f in figs])} | '
                     f'{fmt([f[1] for f in figs])} | {fmt([f[2] for f in figs])} |')
    head = ['| group | seeds | mean free memory (MiB) | lowest free ' + home_name +
            ' outside the area (MiB) | mean CMA area in use (MiB) |',
            '|---|---:|---:|---:|---:|']
    return '\n'.join(head + lines) if any_area else ''


def headline_medians(headline):
    """[(group, [(metric label, median text)])] from the report's headline table."""
    rows = [l for l in headline.splitlines() if l.startswith('|')]
    if len(rows) < 3:
        return [], []
    cols = [c.strip() for c in rows[0].strip('|').split('|')]
    out = []
    for r in rows[2:]:
        cells = [c.strip() for c in r.strip('|').split('|')]
        if len(cells) != len(cols):
            continue
        vals = []
        for name, cell in zip(cols[3:], cells[3:]):
            vals.append((name, cell.split(' [')[0].split(';')[0]))
        out.append((cells[0], vals))
    return cols[3:], out


def replace_block(text, begin, end, body):
    i, j = text.index(begin), text.index(end)
    return text[:i + len(begin)] + '\n' + body.rstrip('\n') + '\n' + text[j:]


def write_atomic(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 7:
        sys.exit('usage: measured.py TOPIC EXP SWEEP_DIR REPORT_DIR PAGE.md README.md')
    topic, exp, sweep, report, page, readme = sys.argv[1:7]
    md = open(os.path.join(report, 'report.md')).read()
    version = re.search(r'mmsim (\S+);', md)
    parts = [f'Generated by `configs/experiment.sh {topic} {exp}` from `configs/sweeps/{topic}-{exp}.yaml` '
             f'(mmsim {version.group(1) if version else "?"}; report: `results/{topic}/{exp}-report/index.html` '
             'when run with the default output directory).']
    for title in ('Headline', 'Published vs measured', 'Allocation outcomes'):
        body = section(md, title)
        if body:
            parts.append(f'### {title}\n\n' + deeper(body))
    pressure = pressure_table(sweep)
    if pressure:
        parts.append('### Pressure\n\nPer group, median [min–max] over the seeds, from each run\'s '
                     'timeseries: mean free memory (all zones), the lowest free memory of the CMA home '
                     'zone outside the area (MIGRATE_CMA or sticky blocks; under zone_cma the whole '
                     'lower zone), and the mean of the CMA area\'s pages in use.\n\n' + pressure)
    text = open(page).read()
    write_atomic(page, replace_block(text, '<!-- measured:begin -->', '<!-- measured:end -->',
                                     '\n' + '\n\n'.join(parts) + '\n'))

    metrics, rows = headline_medians(section(md, 'Headline'))
    if rows and os.path.isfile(readme):
        begin, end = f'<!-- {exp}:begin -->', f'<!-- {exp}:end -->'
        body = [f'**{exp}** — medians over seeds ([{exp}.md]({exp}.md)):', '',
                '| group | ' + ' | '.join(metrics) + ' |', '|---|' + '---:|' * len(metrics)]
        for g, vals in rows:
            body.append(f'| {g} | ' + ' | '.join(v for _, v in vals) + ' |')
        body = '\n'.join(body)
        text = open(readme).read()
        if begin in text:
            text = replace_block(text, begin, end, body)
        else:
            j = text.index('<!-- summary:end -->')
            text = text[:j] + begin + '\n' + body + '\n' + end + '\n\n' + text[j:]
        write_atomic(readme, text)


if __name__ == '__main__':
    main()
