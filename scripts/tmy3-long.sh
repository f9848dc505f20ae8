#!/usr/bin/env bash
# A real sensor dataset for development: hourly weather-station readings from the two
# TMY3 files that ship inside the PyPI package pvlib (BSD-3; the data is NREL's public TMY3),
# reshaped to the CSV that dense-records reads:
#   sensor_id,timestamp,value,unit
# One sensor per (station, measured column); timestamps are Unix ns, each row's month, day and
# hour placed in 2023 (a TMY composes months from different years); "24:00" is the next day 00:00.
# Missing readings (-9900, -9999) are dropped. Values keep the file's decimals; mbar becomes
# pascal (x100) and tenths of sky cover become percent (x10); columns with no unit code here
# (degrees, metres) are written with the unit "unknown".
# Usage: tmy3-long.sh [OUT_DIR]   -> OUT_DIR/tmy3-long.csv (339,402 readings from 40 sensors)
# Python: $DENSE_RECORDS_PYTHON (the Makefile sets it to the venv under .build/), else python3;
# pip only downloads the wheel into a temporary folder, it installs nothing.
set -euo pipefail
OUT=${1:-.}
mkdir -p "$OUT"
[ -f "$OUT/tmy3-long.csv" ] && { wc -l "$OUT/tmy3-long.csv"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"${DENSE_RECORDS_PYTHON:-python3}" -m pip download --no-deps -q -d "$tmp" pvlib==0.16.1
"${DENSE_RECORDS_PYTHON:-python3}" -m zipfile -e "$tmp"/pvlib-*.whl "$tmp/x"
"${DENSE_RECORDS_PYTHON:-python3}" - "$tmp/x/pvlib/data" "$OUT/tmy3-long.csv" <<'PY'
import csv, sys, datetime
src, out = sys.argv[1], sys.argv[2]
# column -> (unit name, scale)
cols = {"GHI (W/m^2)": ("watt", 1), "DNI (W/m^2)": ("watt", 1), "DHI (W/m^2)": ("watt", 1),
        "GH illum (lx)": ("lux", 1), "DN illum (lx)": ("lux", 1), "DH illum (lx)": ("lux", 1),
        "TotCld (tenths)": ("percent", 10), "OpqCld (tenths)": ("percent", 10),
        "Dry-bulb (C)": ("celsius", 1), "Dew-point (C)": ("celsius", 1), "RHum (%)": ("percent", 1),
        "Pressure (mbar)": ("pascal", 100), "Wdir (degrees)": ("unknown", 1), "Wspd (m/s)": ("meters_per_second", 1),
        "Hvis (m)": ("unknown", 1), "CeilHgt (m)": ("unknown", 1), "Pwat (cm)": ("unknown", 1),
        "AOD (unitless)": ("unknown", 1), "Alb (unitless)": ("unknown", 1), "Lprecip depth (mm)": ("unknown", 1)}
rows = []
for station, name in enumerate(["723170TYA.CSV", "703165TY.csv"]):
    with open(f"{src}/{name}", newline="") as f:
        r = csv.reader(f); next(r); header = next(r)
        idx = {h: i for i, h in enumerate(header)}
        for line in r:
            m, d, _ = line[0].split("/"); hh = int(line[1].split(":")[0])
            t = datetime.datetime(2023, int(m), int(d), tzinfo=datetime.timezone.utc) + datetime.timedelta(hours=hh)
            ts = int(t.timestamp()) * 10**9
            for k, (col, (unit, scale)) in enumerate(cols.items()):
                if col not in idx: continue
                raw = line[idx[col]].strip()
                if raw in ("", "-9900", "-9999", "-9900.0"): continue
                v = float(raw) * scale
                text = raw if scale == 1 else repr(round(v, 6))
                rows.append((ts, 100 * (station + 1) + k, text, unit))
rows.sort()
import os
partial = f"{out}.partial-{os.getpid()}"  # whole or absent; per process, so two runs never share it
with open(partial, "w") as o:
    o.write("sensor_id,timestamp,value,unit\n")
    for ts, sid, text, unit in rows: o.write(f"{sid},{ts},{text},{unit}\n")
os.replace(partial, out)
print(f"wrote {len(rows)} readings from {len({r[1] for r in rows})} sensors to {out}")
PY
