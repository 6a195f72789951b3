#!/usr/bin/env python3
"""Turns hyperfine's JSON exports into the markdown tables of BENCHMARKS.md: the median of
each command and the ratio peer/omg for each term (above 1: omg is faster)."""
import json
import sys


def medians(path):
    with open(path) as f:
        return {r["command"]: r["median"] for r in json.load(f)["results"]}


def table(results, peer_prefix, omg_suffix):
    rows = ["| term | peer median | omg median | peer / omg |", "| --- | ---: | ---: | ---: |"]
    for cmd, peer in results.items():
        if not cmd.startswith(peer_prefix):
            continue
        term = cmd[len(peer_prefix):]
        mine = results.get(f"omg search {term} {omg_suffix}")
        if mine is None:
            continue
        rows.append(f"| {term} | {peer * 1000:.1f} ms | {mine * 1000:.1f} ms | {peer / mine:.1f}x |")
    return "\n".join(rows)


alpm, apt = (medians(p) for p in sys.argv[1:3])
print("### omg search (direct, alpm) vs pacman -Ss, same generated sync databases\n")
print(table(alpm, "pacman -Ss ", "(alpm)"))
print("\n### omg search (direct, apt) vs apt-cache search, the host's apt database\n")
print(table(apt, "apt-cache search ", "(apt)"))
