"""Write docs/units.md: every registered unit, grouped by kind, from the registry.

usage: python tools/units_doc.py [--check]

Names, values and prefixed forms come from the registry itself
(``dimtensor._core.unit_names`` and ``lookup_unit``), so the page cannot
disagree with what ``dimtensor.units`` accepts. This file adds only what the
registry does not hold: the defining source of each unit, a few notes, the
names that are refused (their reasons come from the parser's error), and the
units decided against. With ``--check`` nothing is written; the exit status is
1 when the page is out of date (tests/units/test_units_breadth.py runs the check).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from dimtensor import Dimension, Unit, units
from dimtensor._core import lookup_unit, unit_names
from dimtensor.errors import UnitParseError

PAGE = Path(__file__).resolve().parent.parent / "docs" / "units.md"

SOURCES = {
    "SI": "BIPM, *The International System of Units* (SI Brochure), 9th ed., 2019",
    "SI-8": "SI Brochure, 9th ed., 2019, Table 8 (non-SI units accepted for use with the SI)",
    "NIST": "NIST SP 811 (2008), *Guide for the Use of the SI*, Appendix B.8",
    "US": "International yard and pound (1959); NIST SP 811 (2008) App. B.8; "
    "NIST Handbook 44, App. C",
    "US-2023": "International foot; the US survey foot deprecated from 2023 "
    "(Federal Register 85 FR 62698, 2020)",
    "CGS": "CGS unit with its SI equivalent, NIST SP 811 (2008) App. B.8",
    "IEC": "IEC 80000-13 (bit, byte, binary prefixes); IEC 80000-6 (VA, var)",
    "IUPAC": "IUPAC Green Book, *Quantities, Units and Symbols in Physical Chemistry*, "
    "3rd ed., 2007",
    "DU": "IUPAC Gold Book, Dobson unit: 10 µm of ozone at 273.15 K and 101.325 kPa; "
    "the CF standard names give it as 446.2 µmol m-2",
    "CODATA": "CODATA 2022 recommended values, the same numbers as `dimtensor.constants`",
    "IAU-au": "IAU 2012 Resolution B2 (au = 149 597 870 700 m); pc = 648000/π au",
    "IAU-yr": "IAU: Julian year of 365.25 d (light year = c × Julian year)",
    "IAU-B3": "IAU 2015 Resolution B3, nominal solar and planetary conversion constants; "
    "masses = nominal (GM)ᴺ / G with the CODATA 2022 G",
    "IAU-Jy": "IAU (1973): 1 Jy = 1e-26 W m-2 Hz-1",
    "ISO": "ISO 80000-3 (space and time)",
    "astro": "Astronomical convention, as in astropy.units",
    "UDUNITS": "UDUNITS-2, as used by CF/netCDF",
    "ratio": "Conventional ratio (IUPAC Green Book, 2007)",
}

# Every unit registered in its own right (not a prefixed form), in the
# registry's order, with its source and an optional note.
ENTRIES: list[tuple[str, str, str]] = [
    ("m", "SI", ""),
    ("g", "SI", "the kilogram is written with the gram's prefixes"),
    ("s", "SI", ""),
    ("A", "SI", ""),
    ("K", "SI", ""),
    ("mol", "SI", ""),
    ("cd", "SI", ""),
    ("rad", "SI", "dimensionless, per SI"),
    ("sr", "SI", "dimensionless, per SI"),
    ("Hz", "SI", "never chosen by `simplified()` (Hz and Bq are equal)"),
    ("N", "SI", ""),
    ("Pa", "SI", ""),
    ("J", "SI", ""),
    ("W", "SI", ""),
    ("C", "SI", ""),
    ("V", "SI", ""),
    ("F", "SI", ""),
    ("Ω", "SI", ""),
    ("S", "SI", ""),
    ("Wb", "SI", ""),
    ("T", "SI", ""),
    ("H", "SI", ""),
    ("°C", "SI", "a point on a shifted scale: see the README's offset temperatures"),
    ("lm", "SI", ""),
    ("lx", "SI", ""),
    ("Bq", "SI", ""),
    ("Gy", "SI", ""),
    ("Sv", "SI", ""),
    ("kat", "SI", ""),
    ("min", "SI-8", ""),
    ("h", "SI-8", ""),
    ("d", "SI-8", ""),
    ("yr", "IAU-yr", "the Julian year"),
    ("°", "SI-8", ""),
    ("′", "SI-8", ""),
    ("″", "SI-8", ""),
    ("mas", "SI-8", ""),
    ("µas", "SI-8", ""),
    ("L", "SI-8", ""),
    ("t", "SI-8", ""),
    ("ha", "SI-8", ""),
    ("Da", "CODATA", ""),
    ("eV", "SI-8", ""),
    ("au", "IAU-au", ""),
    ("pc", "IAU-au", ""),
    ("ly", "IAU-yr", ""),
    ("Å", "NIST", ""),
    ("bar", "NIST", ""),
    ("atm", "NIST", ""),
    ("Torr", "NIST", "101325/760 Pa"),
    ("mmHg", "NIST", "conventional: 13595.1 kg/m³ × 1 mm × g_n"),
    ("psi", "US", "lbf/in²"),
    ("cal", "NIST", "the thermochemical calorie"),
    ("Wh", "SI", ""),
    ("BTU", "NIST", "the international table Btu"),
    ("in", "US", ""),
    ("ft", "US", ""),
    ("yd", "US", ""),
    ("mi", "US", ""),
    ("nmi", "NIST", ""),
    ("kn", "NIST", "nmi/h"),
    ("lb", "US", ""),
    ("oz", "US", "avoirdupois ounce, a mass"),
    ("gal", "US", "US liquid gallon, 231 in³"),
    ("G", "CGS", ""),
    ("erg", "CGS", ""),
    ("dyn", "CGS", ""),
    ("P", "CGS", ""),
    ("St", "CGS", ""),
    ("%", "ratio", ""),
    ("ppm", "ratio", ""),
    ("ppb", "ratio", ""),
    ("pptv", "ratio", "parts per trillion (bare `ppt` is refused, see below)"),
    ("‰", "ratio", ""),
    ("wk", "UDUNITS", ""),
    ("fortnight", "UDUNITS", ""),
    ("month", "UDUNITS", "yr/12 with the Julian year, as UDUNITS and pint; not a calendar month"),
    ("century", "IAU-yr", "the Julian century of 36525 d"),
    ("turn", "UDUNITS", "2π rad"),
    (
        "rpm",
        "NIST",
        "2π rad/min; like rad/s it converts to Hz as 1 rad/s = 1/s, so 60 rpm is 2π rad/s, "
        "not 1 Hz: for revolutions counted per minute, write 1/min",
    ),
    ("gon", "ISO", "π/200 rad"),
    ("hourangle", "astro", "15°"),
    ("thou", "US", "0.001 in"),
    ("ftUS", "US-2023", "1200/3937 m, for legacy survey data"),
    ("acre", "US-2023", "43560 ft²"),
    ("acre_foot", "US-2023", "43560 ft³"),
    ("mph", "US", "mi/h"),
    ("cc", "UDUNITS", "cm³"),
    ("imperial_gallon", "NIST", "UK gallon"),
    ("bbl", "NIST", "petroleum barrel, 42 US gal; no prefixes (the trade's Mbbl is 1000 bbl)"),
    ("gr", "US", ""),
    ("slug", "NIST", "lbf·s²/ft"),
    ("short_ton", "US", "2000 lb"),
    ("long_ton", "US", "2240 lb"),
    ("lbf", "NIST", "0.45359237 kg × 9.80665 m/s², exactly"),
    ("gf", "NIST", "9.80665e-3 N; kgf = 9.80665 N"),
    ("kip", "NIST", "1000 lbf"),
    ("ksi", "NIST", "kip/in²"),
    ("inHg", "NIST", "conventional, 25.4 mmHg"),
    ("hp", "NIST", "mechanical horsepower, 550 ft·lbf/s"),
    ("TR", "NIST", "ton of refrigeration, 12000 Btu/h"),
    ("tTNT", "NIST", "ton of TNT, 4.184e9 J by convention"),
    ("VA", "IEC", "equal to W; never chosen by `simplified()`"),
    ("var", "IEC", "equal to W; never chosen by `simplified()`"),
    ("Ah", "NIST", ""),
    ("D", "IUPAC", "debye, 1e-21/c C·m"),
    ("Mx", "CGS", "maxwell, 1e-8 Wb"),
    ("Oe", "CGS", "oersted, 1000/(4π) A/m"),
    ("Ci", "NIST", "3.7e10 Bq exactly"),
    ("rem", "NIST", "0.01 Sv (the dose unit rad would be the radian: write cGy)"),
    ("M", "IUPAC", "molar, mol/L; bare M only (Mm, MPa, … keep the mega prefix)"),
    ("DU", "DU", "an amount per area: 1e-5 m × 101325 Pa / (R × 273.15 K)"),
    ("Eh", "CODATA", "hartree"),
    ("Ry", "CODATA", "rydberg, E_h/2"),
    ("bohr", "CODATA", "Bohr radius a₀"),
    ("b", "NIST", "barn"),
    ("Gal", "NIST", "galileo, cm/s² (`gal` is the gallon)"),
    ("sverdrup", "UDUNITS", "1e6 m³/s; its symbol Sv is the sievert"),
    ("nit", "UDUNITS", "cd/m²; equal to lx, as sr is dimensionless"),
    ("fc", "NIST", "footcandle, lm/ft²"),
    ("Jy", "IAU-Jy", "W m⁻² Hz⁻¹"),
    ("foe", "astro", "1e51 erg"),
    ("R_sun", "IAU-B3", ""),
    ("L_sun", "IAU-B3", ""),
    ("M_sun", "IAU-B3", "G's relative uncertainty, 2.2e-5, carries over"),
    ("R_earth", "IAU-B3", "equatorial"),
    ("M_earth", "IAU-B3", ""),
    ("R_jup", "IAU-B3", "equatorial"),
    ("M_jup", "IAU-B3", ""),
    ("°F", "NIST", "a point on a shifted scale"),
    ("°R", "NIST", ""),
    ("Δ°C", "NIST", "temperature interval"),
    ("Δ°F", "NIST", "temperature interval"),
    ("bit", "IEC", ""),
    ("B", "IEC", "byte, 8 bit"),
]

# Names the parser refuses with a reason (taken from its error message).
REFUSED = [
    "ppt",
    "ton",
    "tons",
    "mil",
    "mils",
    "cycle",
    "cycles",
    "barrel",
    "barrels",
    "therm",
    "Cal",
    "psig",
    "barg",
]

# Units of pint's and astropy's lists that are not registered, and why.
DECIDED_AGAINST = {
    "logarithmic units (dB, dBm, Np, mag, AB/ST magnitudes, decade, octave)": (
        "not a scale factor: a logarithm of a ratio needs its own arithmetic"
    ),
    "count-like units (count, ct, photon, ph, electron, adu, DN, pix, vox, chan, beam, bin, "
    "particle, molecule)": (
        "dimensionless counts that dimtensor has no dimension for; as 1 they would mix "
        "silently with plain numbers"
    ),
    "Gaussian/ESU/EMU electric units (statC, Fr, esu, statA, statV, abA, Bi, abC, abV, "
    "abohm, gilbert)": (
        "their dimensions are not the SI's (statC is cm^3/2 g^1/2 s^-1); "
        "converting needs an equivalence, not a factor"
    ),
    "water-column pressures (mmH2O, cmH2O, inH2O, ftH2O)": (
        "a digit in a name reads as an exponent in unit text (UDUNITS `m2`); "
        "1 cmH2O (conventional) is `98.0665 Pa`"
    ),
    "rad (absorbed dose), R / roentgen, rayleigh": (
        "rad is the radian; R clashes between roentgen and rayleigh; write cGy, "
        "2.58e-4 C/kg, or the photon flux"
    ),
    "Sv for the sverdrup": "Sv is the sievert: the sverdrup goes by its name",
    "sidereal day and year, tropical and Gregorian years, lunar months": (
        "approximate or epoch-dependent; the year dialects of UDUNITS are a separate question"
    ),
    "international/IT calorie variants (cal_IT, Btu_th, therms), quad, toe": (
        "several definitions under one name; write J or the registered cal/BTU"
    ),
    "metric horsepower (PS, CV) and the other horsepowers": (
        "PS is the prefixed form petasiemens; 1 PS = 735.49875 W"
    ),
    "kph, fps, mps, cfs": "write km/h, ft/s, m/s, ft^3/s; fps is also frames per second",
    "molal (m), normal (N), enzyme unit (U), IU": (
        "their symbols are the metre, the newton and assay-dependent units; write mol/kg, "
        "mol/L, µmol/min"
    ),
    "kitchen and trade measures (cup, tbsp, tsp, pint, quart, fl oz, peck, bushel, "
    "hundredweight, stone, dram, troy and apothecary units, carat)": (
        "US and imperial definitions differ under the same names, and they are rarely "
        "written in science and engineering; define one with Unit(...) when needed"
    ),
    "typographic units (point, pica, px), textile units (tex, denier)": "outside the scope",
    "astronomical counts and zero points (Bol, bol, mgy, maggy, lsec, spat, sday)": (
        "logarithmic zero points or rare; lsec = c × 1 s can be written `299792458 m`"
    ),
    "Planck and atomic units other than hartree, rydberg and bohr": (
        "use dimtensor.constants (l_P, m_P, t_P, m_e, …) as quantities"
    ),
    "grad, circular mil, darcy, furlong, chain, rod, league, fathom, hand": (
        "grad also means a gradient (the gon is registered); the others are rare or "
        "defined on the deprecated survey foot"
    ),
}

PREFIXES = {
    "Q": ("quetta", 30),
    "R": ("ronna", 27),
    "Y": ("yotta", 24),
    "Z": ("zetta", 21),
    "E": ("exa", 18),
    "P": ("peta", 15),
    "T": ("tera", 12),
    "G": ("giga", 9),
    "M": ("mega", 6),
    "k": ("kilo", 3),
    "h": ("hecto", 2),
    "da": ("deca", 1),
    "d": ("deci", -1),
    "c": ("centi", -2),
    "m": ("milli", -3),
    "µ": ("micro", -6),
    "n": ("nano", -9),
    "p": ("pico", -12),
    "f": ("femto", -15),
    "a": ("atto", -18),
    "z": ("zepto", -21),
    "y": ("yocto", -24),
    "r": ("ronto", -27),
    "q": ("quecto", -30),
}
BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60, "Zi": 70, "Yi": 80}


def _dim(**exps: int) -> Dimension:
    return Dimension(**exps)


# Kinds, by dimension, in the order of the page.
KINDS: list[tuple[str, Dimension]] = [
    ("Length", _dim(length=1)),
    ("Area", _dim(length=2)),
    ("Volume", _dim(length=3)),
    ("Mass", _dim(mass=1)),
    ("Time", _dim(time=1)),
    ("Frequency, rotation, activity", _dim(time=-1)),
    ("Speed", _dim(length=1, time=-1)),
    ("Acceleration", _dim(length=1, time=-2)),
    ("Force", _dim(length=1, mass=1, time=-2)),
    ("Pressure, stress", _dim(length=-1, mass=1, time=-2)),
    ("Energy", _dim(length=2, mass=1, time=-2)),
    ("Power", _dim(length=2, mass=1, time=-3)),
    ("Absorbed dose, dose equivalent", _dim(length=2, time=-2)),
    ("Dynamic viscosity", _dim(length=-1, mass=1, time=-1)),
    ("Kinematic viscosity", _dim(length=2, time=-1)),
    ("Volume flow", _dim(length=3, time=-1)),
    ("Electric current", _dim(current=1)),
    ("Electric charge", _dim(time=1, current=1)),
    ("Electric potential", _dim(length=2, mass=1, time=-3, current=-1)),
    ("Capacitance", _dim(length=-2, mass=-1, time=4, current=2)),
    ("Resistance", _dim(length=2, mass=1, time=-3, current=-2)),
    ("Conductance", _dim(length=-2, mass=-1, time=3, current=2)),
    ("Electric dipole moment", _dim(length=1, time=1, current=1)),
    ("Magnetic flux", _dim(length=2, mass=1, time=-2, current=-1)),
    ("Magnetic flux density", _dim(mass=1, time=-2, current=-1)),
    ("Magnetic field strength", _dim(length=-1, current=1)),
    ("Inductance", _dim(length=2, mass=1, time=-2, current=-2)),
    ("Temperature", _dim(temperature=1)),
    ("Amount of substance", _dim(amount=1)),
    ("Concentration", _dim(length=-3, amount=1)),
    ("Column amount", _dim(length=-2, amount=1)),
    ("Catalytic activity", _dim(time=-1, amount=1)),
    ("Luminous intensity, luminous flux", _dim(luminosity=1)),
    ("Illuminance, luminance", _dim(length=-2, luminosity=1)),
    ("Spectral flux density", _dim(mass=1, time=-2)),
    ("Dimensionless: angles, ratios, information", _dim()),
]


@dataclass
class Row:
    unit: Unit
    source: str
    note: str
    names: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    binary: bool = False


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def _number(x: float) -> str:
    return repr(x) if x != int(x) or abs(x) >= 1e16 else str(int(x))


def _definition(u: Unit) -> str:
    """The value in coherent SI units (`4.4482216152605 N`, `1e-26 kg/s²`)."""
    si = u.to_base().simplified().symbol
    number = _number(u.scale)
    if u.offset:
        return f"{number} {si}, zero at {_number(u.offset)} {si}"
    if not si:
        return number
    if si.startswith("1/"):
        return f"{number}{si[1:]}"
    return f"{number} {si}"


def collect() -> tuple[list[Row], dict[str, list[str]]]:
    """The rows, and the other names of prefixed forms (`micron` for µm)."""
    by_symbol: dict[str, Unit] = {}
    names_of: dict[str, list[str]] = {}
    for name in unit_names():
        u = lookup_unit(name)
        assert u is not None, name
        by_symbol.setdefault(u.symbol, u)
        names_of.setdefault(u.symbol, []).append(name)
    rows: list[Row] = []
    covered: set[str] = set()
    extra_names: dict[str, list[str]] = {}
    for sym, source, note in ENTRIES:
        if sym not in by_symbol:
            raise SystemExit(f"{sym!r} is listed in tools/units_doc.py but not registered")
        u = by_symbol[sym]
        own = sorted(n for n in names_of[sym] if n != sym)
        row = Row(u, source, note, own)
        covered.add(sym)
        stems = [sym, *own]
        for p, (long, exp) in PREFIXES.items():
            spellings = [p + sym] + [long + n for n in own]
            for s in spellings:
                v = by_symbol.get(s)
                if (
                    v is not None
                    and v.dimension == u.dimension
                    and _close(v.scale, u.scale * 10.0**exp)
                ):
                    row.prefixes.append(p)
                    covered.add(s)
                    others = [n for n in names_of[s] if not any(n.endswith(stem) for stem in stems)]
                    if others:
                        extra_names[s] = sorted(others)
                    break
        for p in BINARY:
            if p + sym in by_symbol:
                row.binary = True
                covered.add(p + sym)
        rows.append(row)
    missing = sorted(set(by_symbol) - covered)
    if missing:
        raise SystemExit(f"registered but not described in tools/units_doc.py: {missing}")
    return rows, extra_names


def _prefix_text(row: Row) -> str:
    if len(row.prefixes) == len(PREFIXES):
        text = "all 24 SI"
    elif not row.prefixes:
        text = ""
    else:
        text = ", ".join(row.prefixes)
    if row.binary:
        text += " and Ki … Yi"
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _code(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _reason(name: str) -> str:
    try:
        units.parse(name)
    except UnitParseError as exc:
        message = str(exc)
        return message.split(": ", 1)[1].split(" at position")[0] if ": " in message else message
    raise SystemExit(f"{name!r} is listed as refused but parses")


def render() -> str:
    rows, extra_names = collect()
    kind_of = {dim: title for title, dim in KINDS}
    grouped: dict[str, list[Row]] = {title: [] for title, _ in KINDS}
    for row in rows:
        title = kind_of.get(row.unit.dimension)
        if title is None:
            raise SystemExit(f"no kind for {row.unit.symbol!r} [{row.unit.dimension}]")
        grouped[title].append(row)
    used = [key for key in SOURCES if any(r.source == key for r in rows)]
    out = [
        "# Units",
        "",
        "<!-- Generated by tools/units_doc.py from the registry; do not edit by hand. -->",
        "",
        "Every unit that `dimtensor.units` and the unit parser know, grouped by kind. "
        "The definition is the unit's value in SI base units, as the registry holds it "
        "(the shortest decimal that reads back as the same double); exact definitions "
        "are kept exact. Every name in the *names* column is an attribute of "
        "`dimtensor.units` when it is a Python identifier, and parses in unit text. "
        "Prefixed forms take the long prefix names too (`kilometre`, `millibar`, "
        "`femtobarn`). Sources are listed at the end.",
        "",
    ]
    for title, _ in KINDS:
        group = grouped[title]
        if not group:
            continue
        out += [f"## {title}", "", "| symbol | names | definition | prefixes | source | note |"]
        out.append("|---|---|---|---|---|---|")
        for r in group:
            out.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        f"`{r.unit.symbol}`",
                        _code(r.names),
                        _definition(r.unit),
                        _prefix_text(r),
                        f"[{r.source}]",
                        r.note,
                    )
                )
                + " |"
            )
        out.append("")
    out += ["## Other names of prefixed forms", ""]
    for sym, others in sorted(extra_names.items()):
        out.append(f"- `{sym}`: {_code(others)}")
    out += [
        "",
        "## Refused names",
        "",
        "These read as two different units in common use (or as a shifted scale); "
        "the parser raises `UnitParseError` with the reason and what to write instead:",
        "",
    ]
    for name in REFUSED:
        out.append(f"- `{name}`: {_reason(name)}")
    out += [
        "",
        "## Decided against",
        "",
        "From the lists of pint's default definitions and astropy.units, these are not registered:",
        "",
    ]
    for what, why in DECIDED_AGAINST.items():
        out.append(f"- {what}: {why}.")
    out += ["", "## Sources", ""]
    for key in used:
        out.append(f"- [{key}] {SOURCES[key]}")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if argv[1:] == ["--check"]:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is out of date: run python tools/units_doc.py", file=sys.stderr)
            return 1
        return 0
    if argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    PAGE.parent.mkdir(exist_ok=True)
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
