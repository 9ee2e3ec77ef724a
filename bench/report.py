"""results.json -> results.md: the machine, each figure with its target and pass/fail, and the load average
with every figure (the machine may be shared). Targets are issue 12's."""

ANONYMOUS_RATIO = 0.25
LOGGED_IN_RATIO = 0.08
MAX_QUERIES = 12
JOIN_RATIO = 0.5
BALLOTS_PER_S = 500
TALLY_S = 1.0
CERTIFICATES_RATIO = 1.2


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("pass" if ok else "**FAIL**")


def _fraction(ratio: float) -> str:
    return f"{ratio:.3f} (1/{1 / ratio:.0f})" if ratio else "0"


def targets(results: dict) -> list[dict]:
    """Every target with its figure: name, figure, target, ok (None: not measured in this mode), load."""
    rows = []
    sizes = results.get("inprocess", {})
    size = results["settings"]["size"]
    measured = sizes.get(size, {})
    logged_in = set(measured.get("logged_in", []))
    for name, counts in (measured.get("queries") or {}).items():
        other = {s: sizes[s]["queries"][name] for s in sizes if s != size}
        same = all(count == counts for count in other.values()) if other else None
        figure = f"{counts}" + "".join(f" ({s}: {c})" for s, c in other.items())
        rows.append(
            {"name": f"queries: {name}", "figure": figure, "target": f"≤ {MAX_QUERIES}", "ok": counts <= MAX_QUERIES}
        )
        if other:
            rows.append(
                {"name": f"queries the same at both sizes: {name}", "figure": figure, "target": "equal", "ok": same}
            )
    for where, pages in (
        ("in process", measured.get("throughput", {})),
        ("HTTP", results.get("http", {}).get("pages", {})),
    ):
        for name, row in pages.items():
            target = LOGGED_IN_RATIO if name in logged_in else ANONYMOUS_RATIO
            load = row["load"] if where == "in process" else row["page"]["load"]
            rows.append(
                {
                    "name": f"{where}: {name} / minimal",
                    "figure": _fraction(row["ratio"]),
                    "target": f"≥ {target}",
                    "ok": row["ratio"] >= target,
                    "load": load,
                }
            )
    if storm := measured.get("join_storm"):
        rows.append(
            {
                "name": f"join storm ({storm['registrants']} registrants) / minimal",
                "figure": _fraction(storm["ratio"]),
                "target": f"≥ {JOIN_RATIO}",
                "ok": storm["ratio"] >= JOIN_RATIO,
                "load": storm["load"],
            }
        )
        rows.append(
            {
                "name": "join storm: BigBlueButton calls on the hot path",
                "figure": f"{storm['bbb_calls']} {storm['bbb_calls_by_api'] or ''}",
                "target": "0",
                "ok": storm["bbb_calls"] == 0,
                "load": storm["load"],
            }
        )
    if certificates := measured.get("certificates"):
        rows.append(
            {
                "name": f"certificates: {certificates['n']} issued with PDFs / {certificates['n']} bare renders",
                "figure": f"{certificates['ratio']:.2f}",
                "target": f"≤ {CERTIFICATES_RATIO}",
                "ok": certificates["ratio"] <= CERTIFICATES_RATIO,
                "load": certificates["load"],
            }
        )
    voting = results.get("voting", {})
    if casting := voting.get("casting"):
        rows.append(
            {
                "name": f"voting: {casting['clients']} clients "
                f"({casting.get('clients_are', 'threads of one process')}), {casting['voters']} ballots into one poll",
                "figure": f"{casting['ballots_per_s']:.0f} ballots/s",
                "target": f"≥ {BALLOTS_PER_S}",
                "ok": casting["ballots_per_s"] >= BALLOTS_PER_S,
                "load": casting["load"],
            }
        )
        intact = casting["lost"] == 0 and casting["doubled"] == 0 and casting["errors"] == 0
        rows.append(
            {
                "name": "voting: lost / doubled / errors; audit chain; recount",
                "figure": f"{casting['lost']} / {casting['doubled']} / {casting['errors']}; "
                f"{'ok' if casting['audit_ok'] else 'BROKEN'}; "
                f"{'matches' if casting['recount_matches'] else 'DIFFERS'}",
                "target": "0 / 0 / 0; ok; matches",
                "ok": intact and casting["audit_ok"] and casting["recount_matches"],
                "load": casting["load"],
            }
        )
    if tally := voting.get("tally"):
        rows.append(
            {
                "name": f"tally of {tally['ballots']:,} ballots (read the box + count, as close and recount do)",
                "figure": f"{tally['poll_decide_s'] * 1000:.1f} ms ({tally['box_lines']} box lines); pure tally of "
                f"{tally['ballots']:,} one-ballot lines {tally['pure_tally_unaggregated_s'] * 1000:.0f} ms",
                "target": f"< {TALLY_S:.0f} s",
                "ok": max(tally["poll_decide_s"], tally["pure_tally_unaggregated_s"]) < TALLY_S,
                "load": tally["load"],
            }
        )
    elif voting.get("skipped"):
        rows.append(
            {"name": "voting on PostgreSQL", "figure": "skipped: " + voting["skipped"], "target": "", "ok": None}
        )
    return rows


def markdown(results: dict) -> str:
    machine, settings = results["machine"], results["settings"]
    lines = [
        f"# Benchmark results ({settings['mode']})",
        "",
        f"- date: {machine['date']}",
        f"- machine: {machine['cpus']} CPUs, {machine['cpu_model']}; {machine['platform']}",
        f"- load average at start: {' / '.join(map(str, machine['load_at_start']))} (1 / 5 / 15 min); "
        f"at end: {' / '.join(map(str, machine.get('load_at_end', [])))}",
        f"- Python {machine['python']}, Django {machine['django']}; DEBUG off; SQLite for pages, PostgreSQL for voting",
        f"- settings: {', '.join(f'{k}={v}' for k, v in settings.items())}",
        "",
        "Ratios are minimal view / page (in process: time per request; over HTTP: req/s page / req/s minimal), so "
        "higher is better and 1/56 means the page costs 56 minimal views. A load average above the CPU count "
        "means other work shared the machine: compare ratios, not absolute times.",
        "",
        *(
            [
                "**Quick run**: small data, few requests, 2-second wrk runs: it proves the harness works; its figures "
                "(HTTP ones above all, dominated by queueing in so short a run) are not the benchmark's.",
                "",
            ]
            if settings["mode"] == "quick"
            else []
        ),
        "## Targets",
        "",
        "| figure | measured | target | result | load |",
        "|---|---|---|---|---|",
    ]
    for row in targets(results):
        load = row.get("load", "")
        load = ", ".join(map(str, load)) if isinstance(load, list) else load
        lines.append(f"| {row['name']} | {row['figure']} | {row['target']} | {_verdict(row['ok'])} | {load} |")
    lines += _data_section(results) + _pages_section(results) + _http_section(results) + _other_section(results)
    return "\n".join(lines) + "\n"


def _data_section(results: dict) -> list[str]:
    lines = ["", "## Data", "", "| size | built in | rows |", "|---|---|---|"]
    for size, measured in results.get("inprocess", {}).items():
        counts = ", ".join(f"{k} {v:,}" for k, v in measured["counts"].items())
        steps = ", ".join(f"{k} {v} s" for k, v in measured.get("build_steps_s", {}).items())
        lines.append(f"| {size} | {measured['build_s']:.0f} s ({steps}) | {counts} |")
    return lines


def _pages_section(results: dict) -> list[str]:
    sizes = results.get("inprocess", {})
    size = results["settings"]["size"]
    measured = sizes.get(size, {})
    names = list(measured.get("urls", {}))
    header = " | ".join(f"queries ({s})" for s in sizes)
    lines = [
        "",
        f"## Pages in process ({size} data)",
        "",
        "Anonymous pages are timed as served, from the page cache (`lms.page_cache`; *served* is the last request's "
        "`X-Page-Cache`), and cold, with the page cache off: the render every miss costs (a fifth as many requests). "
        "Query counts are the render's.",
        "",
        f"| page | {header} | served | page ms | minimal ms | minimal / page | cold ms | minimal / cold | "
        "load per round |",
        "|---|" + "---|" * (len(sizes) + 7),
    ]
    throughput = measured.get("throughput", {})
    for name in names:
        counts = " | ".join(str(sizes[s]["queries"].get(name, "")) for s in sizes)
        row = throughput.get(name)
        if row:
            cold = f"{row['cold_ms']:.1f} | {_fraction(row['cold_ratio'])}" if "cold_ms" in row else "| "
            figures = f"{row.get('page_cache') or 'rendered'} | {row['page_ms']:.1f} | {row['minimal_ms']:.2f} | "
            figures += f"{_fraction(row['ratio'])} | {cold} | " + ", ".join(map(str, row["load"]))
        else:
            figures = " | | | | | | "
        label = f"{name} (logged in)" if name in measured.get("logged_in", []) else name
        lines.append(f"| {label} | {counts} | {figures} |")
    return lines


def _http_section(results: dict) -> list[str]:
    http = results.get("http")
    if not http:
        return []
    lines = [
        "",
        f"## Pages over HTTP (gunicorn, {http['gunicorn_workers']} sync workers; wrk, {http['connections']} "
        f"connections, {http['duration_s']} s each)",
        "",
        "Anonymous pages come from the page cache once the warm-up filled it (*served*: `X-Page-Cache` of a request "
        "after the warm-up); their cold render is in the in-process table.",
        "",
        "| page | served | req/s | p50 ms | p99 ms | non-2xx | minimal req/s | minimal p50 ms | page / minimal "
        "| load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in http["pages"].items():
        page, minimal = row["page"], row["minimal"]
        lines.append(
            f"| {name} | {row.get('page_cache') or 'rendered'} | {page['req_per_s']:.1f} | {page['p50_ms']} | "
            f"{page['p99_ms']} | {page['non_2xx_3xx']} | {minimal['req_per_s']:.1f} | {minimal['p50_ms']} | "
            f"{_fraction(row['ratio'])} | {page['load']} |"
        )
    return lines


def _other_section(results: dict) -> list[str]:
    size = results["settings"]["size"]
    measured = results.get("inprocess", {}).get(size, {})
    lines = ["", "## Join storm, certificates, voting", ""]
    if storm := measured.get("join_storm"):
        lines.append(
            f"- join storm: {storm['registrants']} distinct registrants, {storm['join_ms']:.1f} ms per join against "
            f"{storm['minimal_ms']:.2f} ms per minimal view; BigBlueButton calls: {storm['bbb_calls']} "
            f"{storm['bbb_calls_by_api']} (load {storm['load']})"
        )
    if c := measured.get("certificates"):
        lines.append(
            f"- certificates: {c['n']} issued in {c['issue_s']:.2f} s (median {c['issue_ms_median']:.0f} ms) against "
            f"{c['n']} bare WeasyPrint renders in {c['render_s']:.2f} s (median {c['render_ms_median']:.0f} ms) "
            f"(load {c['load']})"
        )
    voting = results.get("voting", {})
    if casting := voting.get("casting"):
        lines.append(
            f"- voting (PostgreSQL {voting['postgresql']}): {casting['cast']} ballots by {casting['clients']} "
            f"clients in {casting['wall_s']:.2f} s = {casting['ballots_per_s']:.0f}/s, "
            f"p50 {casting['p50_ms']:.0f} ms, p99 {casting['p99_ms']:.0f} ms; "
            f"cast records {casting['cast_records']}, receipts {casting['receipts']}, "
            f"box heads {casting['ballot_heads']} (load {casting['load']})"
        )
        if "seal_held_p50_ms" in casting:
            seal = casting["seal_held_p50_ms"]
            lines.append(
                f"  - per cast: {casting['queries_per_cast']} statements; the vote's own statement "
                f"{casting['vote_statement_p50_ms']:.1f} ms (p50); {casting['seals']} seals of "
                f"{casting['ballots_per_seal'] or 0:.1f} ballots on average, each holding the sealing lock "
                f"{seal or 0:.1f} ms (p50; {casting['seal_held_total_s']:.1f} s of the {casting['wall_s']:.1f} s in "
                f"all); Python CPU {casting['python_cpu_ms_per_cast']:.1f} ms"
            )
        elif "lock_held_p50_ms" in casting:  # results of the design before batched sealing
            lines.append(
                f"  - per cast: {casting['queries_per_cast']} statements; the poll's lock waited for "
                f"{casting['lock_wait_p50_ms']:.1f} ms and held {casting['lock_held_p50_ms']:.1f} ms, the commit "
                f"{casting['commit_p50_ms']:.1f} ms of it (p50; held "
                f"{casting['lock_held_total_s']:.1f} s of the {casting['wall_s']:.1f} s in all); Python CPU "
                f"{casting['python_cpu_ms_per_cast']:.1f} ms"
            )
        if casting["first_errors"]:
            lines.append(f"  - first errors: {casting['first_errors']}")
    if tally := voting.get("tally"):
        lines.append(
            f"- tally: {tally['ballots']:,} ballots in {tally['box_lines']} box lines, read and counted in "
            f"{tally['poll_decide_s'] * 1000:.1f} ms; the pure tally over {tally['ballots']:,} one-ballot lines "
            f"{tally['pure_tally_unaggregated_s'] * 1000:.0f} ms (load {tally['load']})"
        )
    return lines
